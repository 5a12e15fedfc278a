import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { parseInput } from "../../http/validate.ts";
import type { JobRunner } from "../../jobs/job-runner.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { GROUP_HEALTH_JOB, GROUP_WECOM_STATS_JOB } from "./group-jobs.ts";
import { alertListQuery, groupListQuery, groupParams, wecomStatsQuery } from "./groups.schemas.ts";
import type { GroupsService } from "./groups.service.ts";

const hq = requireUser("hq_admin", "hq_operator");

/** Admin: groups with figures and health, a group's page, alerts, WeCom's per-owner statistics. */
export function groupsRoutes(groups: GroupsService, jobs: Pick<JobRunner, "startNow" | "has">): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/groups" });
  r.get("/", requireUser(), async (ctx) => {
    ctx.body = await groups.list(parseInput(groupListQuery, ctx.query, "group filter"), ctx.state.user!);
  });
  r.get("/alerts", requireUser(), async (ctx) => {
    ctx.body = await groups.alerts(parseInput(alertListQuery, ctx.query, "alert filter"), ctx.state.user!);
  });
  r.post("/alerts/:id/resolve", requireUser(), async (ctx) => {
    const { id } = parseInput(groupParams, ctx.params, "path");
    ctx.body = { alert: await groups.resolveAlert(id, ctx.state.user!) };
  });
  r.get("/wecom-stats", requireUser(), async (ctx) => {
    ctx.body = await groups.wecomStats(parseInput(wecomStatsQuery, ctx.query, "query"), ctx.state.user!);
  });
  for (const [path, job] of [
    ["/wecom-stats/pull", GROUP_WECOM_STATS_JOB],
    ["/health/recompute", GROUP_HEALTH_JOB],
  ] as const)
    r.post(path, hq, async (ctx) => {
      const outcome = jobs.has(job) ? await jobs.startNow(job) : "unavailable";
      ctx.status = 202;
      ctx.body = { started: outcome === "started", outcome };
    });
  r.get("/:id", requireUser(), async (ctx) => {
    const { id } = parseInput(groupParams, ctx.params, "path");
    ctx.body = await groups.detail(id, ctx.state.user!);
  });
  return r;
}
