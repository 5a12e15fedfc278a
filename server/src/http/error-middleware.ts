import type { Middleware } from "koa";
import { AppError, RateLimitedError } from "./errors.ts";
import type { AppState } from "./app-context.ts";

interface HttpErrorLike {
  status?: number;
  statusCode?: number;
  expose?: boolean;
  type?: string;
  message?: string;
}

/**
 * Top of the chain: every error leaves as `{ error: { code, message, details } }`. Errors raised by
 * Koa's own parsers (http-errors with `expose`) keep their 4xx status; anything unexpected is a
 * 500 whose body says only that, while the log gets the stack and the request id.
 */
export function errorMiddleware(): Middleware<AppState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        ctx.status = 404;
        ctx.body = { error: { code: "not_found", message: `No route for ${ctx.method} ${ctx.path}`, details: {} } };
      }
    } catch (err) {
      if (err instanceof AppError) {
        ctx.status = err.status;
        ctx.body = { error: { code: err.code, message: err.message, details: err.details ?? {} } };
        if (err instanceof RateLimitedError && err.retryAfterS) ctx.set("Retry-After", String(err.retryAfterS));
        if (err.status >= 500) ctx.state.log.error({ err }, "request failed");
        return;
      }
      const httpErr = err as HttpErrorLike;
      const status = httpErr.status ?? httpErr.statusCode;
      if (status && status >= 400 && status < 500) {
        // the body parsers' errors: a client mistake, never a server fault
        const badJson = err instanceof SyntaxError;
        ctx.status = status;
        const code = badJson
          ? "invalid_json"
          : status === 413
            ? "payload_too_large"
            : status === 415
              ? "unsupported_media_type"
              : "bad_request";
        const message = badJson
          ? "Request body is not valid JSON"
          : httpErr.expose
            ? (httpErr.message ?? "Bad request")
            : "Bad request";
        ctx.body = { error: { code, message, details: {} } };
        return;
      }
      ctx.state.log.error({ err }, "unexpected error");
      ctx.status = 500;
      ctx.body = {
        error: {
          code: "internal_error",
          message: "Internal server error",
          details: { requestId: ctx.state.requestId },
        },
      };
    }
  };
}
