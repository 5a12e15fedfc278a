import { randomBytes } from "node:crypto";
import Router from "@koa/router";
import type { Middleware } from "koa";
import { z } from "zod";
import type { AppState } from "../../http/app-context.ts";
import { UnauthorizedError } from "../../http/errors.ts";
import {
  OAUTH_COOKIE,
  SIDEBAR_COOKIE,
  clearSessionCookie,
  setSessionCookie,
  type SessionCodec,
} from "../../http/session.ts";
import { parseInput } from "../../http/validate.ts";
import type { Clock } from "../../platform/clock.ts";
import type { WecomIdentityService } from "./wecom-identity.service.ts";

const SESSION_MS = 8 * 3600 * 1000;
const OAUTH_MS = 5 * 60 * 1000; // a code lives 5 minutes
export const WECOM_OAUTH_URL = "https://open.weixin.qq.com/connect/oauth2/authorize";

const startSchema = z.object({
  // only our own sidebar pages: never an open redirect
  redirect: z
    .string()
    .regex(/^\/sidebar\/[^\s\\]*$/, "must be a path under /sidebar/")
    .default("/sidebar/"),
});
const callbackSchema = z.object({
  code: z.string().min(1, "is required").max(512),
  state: z.string().regex(/^[a-f0-9]{32}$/, "is not ours"),
});
const signatureSchema = z.object({ url: z.string().min(1, "is required").max(2048) });

/** OAuth2 inside WeCom and the JS-SDK signatures; see WecomIdentityService. */
export function wecomIdentityRoutes(
  identity: WecomIdentityService,
  codec: SessionCodec,
  clock: Clock,
  publicUrl: string | undefined,
  requireStaff: Middleware<AppState>,
  oauthBase = WECOM_OAUTH_URL,
): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/sidebar" });

  r.get("/oauth/start", async (ctx) => {
    const { redirect } = parseInput(startSchema, ctx.query, "sign-in");
    const state = randomBytes(16).toString("hex");
    // the state travels to WeCom and back; the cookie binds it to this browser
    setSessionCookie(
      ctx,
      OAUTH_COOKIE,
      codec.seal({ state, redirect, exp: clock.now().getTime() + OAUTH_MS }),
      OAUTH_MS,
    );
    const base = publicUrl ?? `${ctx.protocol}://${ctx.host}`;
    ctx.redirect(await identity.authorizeUrl(oauthBase, `${base}/api/v1/sidebar/oauth/callback`, state));
  });

  r.get("/oauth/callback", async (ctx) => {
    const { code, state } = parseInput(callbackSchema, ctx.query, "sign-in");
    const pending = codec.open<{ state: string; redirect: string; exp: number }>(
      ctx.cookies.get(OAUTH_COOKIE),
      clock.now().getTime(),
    );
    if (!pending || pending.state !== state)
      throw new UnauthorizedError("This sign-in was not started here or took too long; open the page from WeCom again");
    clearSessionCookie(ctx, OAUTH_COOKIE);
    const staff = await identity.staffForCode(code);
    setSessionCookie(
      ctx,
      SIDEBAR_COOKIE,
      codec.encode({ sub: staff.id, exp: clock.now().getTime() + SESSION_MS }),
      SESSION_MS,
    );
    ctx.redirect(pending.redirect);
  });

  r.post("/jssdk/config-signature", requireStaff, async (ctx) => {
    const { url } = parseInput(signatureSchema, ctx.request.body, "signature request");
    ctx.body = await identity.signature("config", url);
  });
  r.post("/jssdk/agent-signature", requireStaff, async (ctx) => {
    const { url } = parseInput(signatureSchema, ctx.request.body, "signature request");
    ctx.body = await identity.signature("agent", url);
  });
  return r;
}
