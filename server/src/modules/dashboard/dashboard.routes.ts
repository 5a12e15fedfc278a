import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { DashboardService } from "./dashboard.service.ts";

export function dashboardRoutes(dashboard: DashboardService): Router<AppState> {
  const r = new Router<AppState>();
  r.get("/dashboard/summary", requireUser(), async (ctx) => {
    ctx.body = await dashboard.summary(ctx.state.user!);
  });
  return r;
}
