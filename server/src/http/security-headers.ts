import type { Middleware } from "koa";

/** Conservative headers for every answer; pages inside WeCom are framed by the client, not by sites. */
export function securityHeaders(): Middleware {
  return async (ctx, next) => {
    // finally: error answers (401, 403, 404, 5xx) are written by the error middleware outside this one
    try {
      await next();
    } finally {
      ctx.set("X-Content-Type-Options", "nosniff");
      ctx.set("Referrer-Policy", "same-origin");
      ctx.set("X-Frame-Options", "SAMEORIGIN");
      ctx.remove("X-Powered-By");
    }
  };
}
