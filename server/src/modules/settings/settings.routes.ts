import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { userActor } from "../audit/audit.service.ts";
import type { WecomSettingsService } from "./wecom-settings.service.ts";

/** The settings page: HQ reads, only hq_admin changes WeCom credentials. */
export function settingsRoutes(wecom: WecomSettingsService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/settings" });
  r.get("/wecom", requireUser("hq_admin", "hq_operator"), async (ctx) => {
    ctx.body = { wecom: await wecom.view() };
  });
  r.put("/wecom", requireUser("hq_admin"), async (ctx) => {
    const user = ctx.state.user!;
    ctx.body = { wecom: await wecom.update(ctx.request.body, { ...userActor(user, ctx.ip), username: user.username }) };
  });
  return r;
}
