import { timingSafeEqual } from "node:crypto";
import type { Middleware } from "koa";
import type { Clock } from "../platform/clock.ts";
import type { AppState } from "./app-context.ts";
import { CsrfError } from "./errors.ts";
import {
  ADMIN_COOKIE,
  CSRF_COOKIES,
  CSRF_HEADER,
  SIDEBAR_COOKIE,
  csrfTokenFor,
  setCsrfCookie,
  type SessionCodec,
} from "./session.ts";

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);
const SIDEBAR_PREFIX = "/api/v1/sidebar/";

/**
 * CSRF protection for cookie sessions (admin center and sidebar). A state-changing request that
 * carries a valid cookie of the session its route uses (the sidebar's under /api/v1/sidebar/, the
 * admin center's elsewhere) must echo that session's token (the value of its `siyu_csrf` /
 * `siyu_sidebar_csrf` cookie) in the X-CSRF-Token header, or it is refused with 403 csrf_failed.
 * A sidebar session open in the same browser thus never blocks the admin center's sign-in.
 *
 * Not concerned: requests without a valid session cookie (sign-in, the sidebar's dev sign-in; they
 * answer 401 where a session is needed), requests with an Authorization header (API keys: a browser
 * never sends one cross-site without a CORS preflight, which Siyu does not allow), and the WeCom
 * callbacks, which are mounted before this middleware and are verified by their signature.
 *
 * Safe requests hand the token out again when its cookie is missing or stale (sessions made before
 * this existed, a cleared cookie).
 */
export function csrfProtection(codec: SessionCodec, clock: Clock): Middleware<AppState> {
  return async (ctx, next) => {
    const now = clock.now().getTime();
    const sessions: { name: string; value: string; exp: number }[] = [];
    for (const name of [ADMIN_COOKIE, SIDEBAR_COOKIE]) {
      const value = ctx.cookies.get(name);
      const session = value ? codec.decode(value, now) : null;
      if (value && session) sessions.push({ name, value, exp: session.exp });
    }
    if (!UNSAFE.has(ctx.method)) {
      for (const s of sessions) {
        if (ctx.cookies.get(CSRF_COOKIES[s.name]!) !== csrfTokenFor(s.value))
          setCsrfCookie(ctx, s.name, s.value, s.exp - now);
      }
      return next();
    }
    // the router matches paths case-insensitively, so does this
    const used = ctx.path.toLowerCase().startsWith(SIDEBAR_PREFIX) ? SIDEBAR_COOKIE : ADMIN_COOKIE;
    const session = sessions.find((s) => s.name === used);
    if (!session || ctx.get("authorization")) return next();
    const given = Buffer.from(ctx.get(CSRF_HEADER));
    const expected = Buffer.from(csrfTokenFor(session.value));
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw new CsrfError();
    await next();
  };
}
