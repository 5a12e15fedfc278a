import type { Context, Middleware } from "koa";

const policy = (directives: Record<string, string>) =>
  Object.entries(directives)
    .map(([name, value]) => `${name} ${value}`)
    .join("; ");

const PAGE_BASE = {
  "default-src": "'self'",
  "object-src": "'none'",
  "base-uri": "'self'",
  "form-action": "'self'",
  "frame-ancestors": "'self'",
  // Element Plus and Vant position popovers with style attributes
  "style-src": "'self' 'unsafe-inline'",
  "font-src": "'self' data:",
  // customer and staff avatars come from WeCom's image hosts; previews are blobs
  "img-src": "'self' data: blob: https:",
};

/** The admin center: its own bundle and API only. */
const ADMIN_PAGE = policy({ ...PAGE_BASE, "script-src": "'self'", "connect-src": "'self'" });

/**
 * The chat sidebar: @wecom/jssdk (bundled) may load WeCom's jwxwork script and open WeCom's
 * transparent login frame, and Vant's icon font falls back to its CDN, so those hosts are
 * allowed; nothing else is.
 */
const SIDEBAR_PAGE = policy({
  ...PAGE_BASE,
  "font-src": "'self' data: at.alicdn.com",
  "script-src": "'self' https://open.work.weixin.qq.com",
  "frame-src": "https://login.work.weixin.qq.com https://open.work.weixin.qq.com",
  "connect-src": "'self'",
});

/** Anything that is not a page (JSON, uploads, assets): nothing may run or load from it. */
const NOT_A_PAGE = policy({ "default-src": "'none'", "frame-ancestors": "'self'" });

/** 180 days; subdomains are the brand's own business, so they are not included. */
const HSTS = "max-age=15552000";

function contentPolicy(ctx: Context): string {
  if (!ctx.response.is("html")) return NOT_A_PAGE;
  return ctx.path === "/sidebar" || ctx.path.startsWith("/sidebar/") ? SIDEBAR_PAGE : ADMIN_PAGE;
}

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
      ctx.set("Content-Security-Policy", contentPolicy(ctx));
      // only over HTTPS (directly, or behind a TRUST_PROXY proxy that says so): browsers ignore it on
      // http. A refused oversized upload may have lost its socket already, and ctx.secure reads it.
      if (ctx.req.socket && ctx.secure) ctx.set("Strict-Transport-Security", HSTS);
      ctx.remove("X-Powered-By");
    }
  };
}
