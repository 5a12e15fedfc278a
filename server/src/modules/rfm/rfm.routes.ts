import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { parseInput } from "../../http/validate.ts";
import type { JobRunner } from "../../jobs/job-runner.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { RFM_RECOMPUTE_JOB } from "./rfm-jobs.ts";
import { computationListQuery, computationParams, rfmSettingsBody, transitionsQuery } from "./rfm.schemas.ts";
import type { RfmService } from "./rfm.service.ts";

const hq = requireUser("hq_admin", "hq_operator");

/** Admin: RFM settings, recompute on demand (with progress), computations and the transition matrix. */
export function rfmRoutes(rfm: RfmService, jobs: Pick<JobRunner, "startNow">): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/rfm" });
  r.get("/settings", hq, async (ctx) => {
    ctx.body = { settings: await rfm.getSettings() };
  });
  r.put("/settings", hq, async (ctx) => {
    const patch = parseInput(rfmSettingsBody, ctx.request.body, "RFM settings");
    ctx.body = { settings: await rfm.updateSettings(patch, ctx.state.user!.username) };
  });
  // what a change would move, before it is saved (validated like the save; writes nothing)
  r.post("/settings/preview", hq, async (ctx) => {
    ctx.body = await rfm.preview(parseInput(rfmSettingsBody, ctx.request.body, "RFM settings"));
  });
  r.post("/recompute", hq, async (ctx) => {
    const outcome = await jobs.startNow(RFM_RECOMPUTE_JOB);
    ctx.status = 202;
    ctx.body = {
      started: outcome === "started",
      reason: outcome === "busy" ? "a recompute is already running" : undefined,
    };
  });
  r.get("/computations", requireUser(), async (ctx) => {
    const { page, pageSize } = parseInput(computationListQuery, ctx.query, "query");
    ctx.body = await rfm.list(page, pageSize);
  });
  r.get("/computations/latest", requireUser(), async (ctx) => {
    ctx.body = { computation: await rfm.latest() };
  });
  r.get("/computations/:id", requireUser(), async (ctx) => {
    const { id } = parseInput(computationParams, ctx.params, "path");
    ctx.body = await rfm.get(id);
  });
  r.get("/transitions", requireUser(), async (ctx) => {
    const { from, to } = parseInput(transitionsQuery, ctx.query, "query");
    ctx.body = await rfm.transitionMatrix(from, to);
  });
  return r;
}
