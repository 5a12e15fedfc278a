import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import type { JobRunner } from "../../jobs/job-runner.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { WecomSyncService } from "./wecom-sync.service.ts";

export const SYNC_JOB = "wecom-sync";

/** Admin: start a full sync (one at a time across instances) and watch its progress. */
export function wecomSyncRoutes(sync: WecomSyncService, jobs: JobRunner): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/wecom/sync" });
  r.get("/", requireUser("hq_admin", "hq_operator"), async (ctx) => {
    ctx.body = { run: await sync.latest() };
  });
  r.post("/", requireUser("hq_admin", "hq_operator"), async (ctx) => {
    const outcome = await jobs.startNow(SYNC_JOB);
    ctx.status = 202;
    ctx.body = { started: outcome === "started", reason: outcome === "busy" ? "a sync is already running" : undefined };
  });
  return r;
}
