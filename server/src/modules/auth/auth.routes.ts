import Router from "@koa/router";
import type { AppContext, AppState } from "../../http/app-context.ts";
import { UnauthorizedError } from "../../http/errors.ts";
import {
  ADMIN_COOKIE,
  clearSessionCookie,
  csrfTokenFor,
  setSessionCookie,
  type SessionCodec,
} from "../../http/session.ts";
import { parseInput } from "../../http/validate.ts";
import type { Clock } from "../../platform/clock.ts";
import { userActor } from "../audit/audit.service.ts";
import { loginSchema } from "./auth.schemas.ts";
import type { AuthService } from "./auth.service.ts";

const SESSION_MS = 12 * 3600 * 1000;

export function authRoutes(auth: AuthService, codec: SessionCodec, clock: Clock): Router<AppState> {
  const r = new Router<AppState>();
  /** Issues the session cookie (and its CSRF companion); answers the token too. */
  const startSession = (ctx: AppContext, userId: number, pv: string): string => {
    const cookie = codec.encode({ sub: userId, exp: clock.now().getTime() + SESSION_MS, pv });
    setSessionCookie(ctx, ADMIN_COOKIE, cookie, SESSION_MS);
    return csrfTokenFor(cookie);
  };

  r.post("/auth/login", async (ctx) => {
    const { username, password } = parseInput(loginSchema, ctx.request.body, "sign-in");
    const { passwordVersion, ...user } = await auth.login(username, password, ctx.ip);
    ctx.body = { user, csrfToken: startSession(ctx, user.id, passwordVersion) };
  });
  r.post("/auth/logout", (ctx) => {
    clearSessionCookie(ctx, ADMIN_COOKIE);
    ctx.status = 204;
  });
  r.get("/auth/me", (ctx) => {
    if (!ctx.state.user) throw new UnauthorizedError();
    ctx.body = { user: ctx.state.user, csrfToken: csrfTokenFor(ctx.cookies.get(ADMIN_COOKIE) ?? "") };
  });
  // any admin-center user changes their own password; their other sessions end, this one goes on
  r.post("/auth/password", async (ctx) => {
    const user = ctx.state.user;
    if (!user) throw new UnauthorizedError();
    const pv = await auth.changePassword(user.id, ctx.request.body, userActor(user, ctx.ip));
    ctx.body = { csrfToken: startSession(ctx, user.id, pv) };
  });
  return r;
}
