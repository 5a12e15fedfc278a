import type { Middleware } from "koa";
import type { AppState } from "../../http/app-context.ts";
import { UnauthorizedError } from "../../http/errors.ts";
import { SIDEBAR_COOKIE, type SessionCodec } from "../../http/session.ts";
import type { Clock } from "../../platform/clock.ts";
import type { SidebarService } from "./sidebar.service.ts";

/** The staff member comes only from the signed sidebar session, never from a value the page sends. */
export function requireStaff(codec: SessionCodec, sidebar: SidebarService, clock: Clock): Middleware<AppState> {
  return async (ctx, next) => {
    const session = codec.decode(ctx.cookies.get(SIDEBAR_COOKIE), clock.now().getTime());
    const staff = session ? await sidebar.activeStaff(session.sub) : null;
    if (!staff) throw new UnauthorizedError("Open this page from WeCom to sign in");
    ctx.state.staff = staff;
    await next();
  };
}
