import type { Middleware } from "koa";
import type { AppState } from "../../http/app-context.ts";
import { ForbiddenError, UnauthorizedError } from "../../http/errors.ts";
import { ADMIN_COOKIE, type SessionCodec } from "../../http/session.ts";
import type { Clock } from "../../platform/clock.ts";
import type { AuthService } from "./auth.service.ts";
import type { Role } from "./user.entity.ts";

/** Reads the admin session cookie, if any, into ctx.state.user. */
export function loadAdminSession(codec: SessionCodec, auth: AuthService, clock: Clock): Middleware<AppState> {
  return async (ctx, next) => {
    const session = codec.decode(ctx.cookies.get(ADMIN_COOKIE), clock.now().getTime());
    if (session) {
      const user = await auth.findSessionUser(session.sub, session.pv);
      if (user) ctx.state.user = user;
    }
    await next();
  };
}

/** 401 without a session; 403 when the role is not among `roles` (any role when omitted). */
export function requireUser(...roles: Role[]): Middleware<AppState> {
  return async (ctx, next) => {
    const user = ctx.state.user;
    if (!user) throw new UnauthorizedError();
    // The admin center is for HQ and store managers; guides work in the sidebar.
    const allowed = roles.length ? roles : (["hq_admin", "hq_operator", "store_manager"] as Role[]);
    if (!allowed.includes(user.role)) throw new ForbiddenError();
    await next();
  };
}
