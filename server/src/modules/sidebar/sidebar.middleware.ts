import type { Middleware } from "koa";
import type { AppState } from "../../http/app-context.ts";
import { UnauthorizedError } from "../../http/errors.ts";
import { SIDEBAR_COOKIE, type SessionCodec } from "../../http/session.ts";
import type { Clock } from "../../platform/clock.ts";
import type { SidebarService } from "./sidebar.service.ts";

/**
 * How long this instance trusts that a session's staff member is still active. Every sidebar
 * request needs the answer, and a guide's page opens with several requests at once; a staff member
 * who leaves (marked by the WeCom sync) loses the sidebar at most this long after.
 */
export const ACTIVE_STAFF_TTL_MS = 5_000;
const MAX_REMEMBERED = 10_000;

/** The staff member comes only from the signed sidebar session, never from a value the page sends. */
export function requireStaff(codec: SessionCodec, sidebar: SidebarService, clock: Clock): Middleware<AppState> {
  const remembered = new Map<number, { staff: { id: number; userid: string }; until: number }>();
  const activeStaff = async (id: number, now: number) => {
    const hit = remembered.get(id);
    if (hit && hit.until > now) return hit.staff;
    remembered.delete(id);
    const staff = await sidebar.activeStaff(id);
    if (!staff) return null; // not remembered: a reactivated staff member is let in at once
    if (remembered.size >= MAX_REMEMBERED) remembered.delete(remembered.keys().next().value!);
    remembered.set(id, { staff, until: now + ACTIVE_STAFF_TTL_MS });
    return staff;
  };
  return async (ctx, next) => {
    const now = clock.now().getTime();
    const session = codec.decode(ctx.cookies.get(SIDEBAR_COOKIE), now);
    const staff = session ? await activeStaff(session.sub, now) : null;
    if (!staff) throw new UnauthorizedError("Open this page from WeCom to sign in");
    ctx.state.staff = { ...staff };
    await next();
  };
}
