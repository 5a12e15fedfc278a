import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { DashboardOverviewService } from "./dashboard-overview.ts";
import { overviewQuery } from "./dashboard.schemas.ts";
import type { DashboardService } from "./dashboard.service.ts";

export function dashboardRoutes(dashboard: DashboardService, overview: DashboardOverviewService): Router<AppState> {
  const r = new Router<AppState>();
  r.get("/dashboard/summary", requireUser(), async (ctx) => {
    ctx.body = await dashboard.summary(ctx.state.user!);
  });
  r.get("/dashboard/overview", requireUser(), async (ctx) => {
    ctx.body = await overview.overview(ctx.state.user!, parseInput(overviewQuery, ctx.query, "query"));
  });
  return r;
}
