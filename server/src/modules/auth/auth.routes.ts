import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { UnauthorizedError } from "../../http/errors.ts";
import { ADMIN_COOKIE, clearSessionCookie, setSessionCookie, type SessionCodec } from "../../http/session.ts";
import { parseInput } from "../../http/validate.ts";
import type { Clock } from "../../platform/clock.ts";
import { loginSchema } from "./auth.schemas.ts";
import type { AuthService } from "./auth.service.ts";

const SESSION_MS = 12 * 3600 * 1000;

export function authRoutes(auth: AuthService, codec: SessionCodec, clock: Clock): Router<AppState> {
  const r = new Router<AppState>();
  r.post("/auth/login", async (ctx) => {
    const { username, password } = parseInput(loginSchema, ctx.request.body, "sign-in");
    const user = await auth.login(username, password);
    setSessionCookie(
      ctx,
      ADMIN_COOKIE,
      codec.encode({ sub: user.id, exp: clock.now().getTime() + SESSION_MS }),
      SESSION_MS,
    );
    ctx.body = { user };
  });
  r.post("/auth/logout", (ctx) => {
    clearSessionCookie(ctx, ADMIN_COOKIE);
    ctx.status = 204;
  });
  r.get("/auth/me", (ctx) => {
    if (!ctx.state.user) throw new UnauthorizedError();
    ctx.body = { user: ctx.state.user };
  });
  return r;
}
