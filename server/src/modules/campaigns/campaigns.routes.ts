import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { CampaignLaunch } from "./campaign-launch.ts";
import type { CampaignTracking } from "./campaign-tracking.ts";
import { campaignInputSchema, campaignListQuery, targetListQuery, taskListQuery } from "./campaigns.schemas.ts";
import type { CampaignsService } from "./campaigns.service.ts";
import type { CampaignMeasurementService } from "./campaign-measurement.ts";
import { userActor, type AuditService } from "../audit/audit.service.ts";

const idOf = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError("No such campaign");
  return id;
};

/**
 * /campaigns for HQ and store managers (a store manager only inside their stores; anything else
 * 404). Launch answers 409 when the campaign is no longer a draft.
 */
export function campaignsRoutes(
  campaigns: CampaignsService,
  launch: CampaignLaunch,
  tracking: CampaignTracking,
  measurement: CampaignMeasurementService,
  audit?: AuditService,
): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/campaigns" });
  const signedIn = requireUser();
  // launch, pause, resume and cancel are audited once they succeeded
  const audited = (ctx: { state: AppState; ip: string }, action: string, id: number) =>
    audit?.record(userActor(ctx.state.user!, ctx.ip), `campaign.${action}`, { entity: "campaign", id });
  r.get("/", signedIn, async (ctx) => {
    ctx.body = await campaigns.list(parseInput(campaignListQuery, ctx.query, "query"), ctx.state.user!);
  });
  r.post("/", signedIn, async (ctx) => {
    const input = parseInput(campaignInputSchema, ctx.request.body, "campaign");
    ctx.status = 201;
    ctx.body = await campaigns.create(input, ctx.state.user!);
  });
  r.get("/:id", signedIn, async (ctx) => {
    ctx.body = await campaigns.get(idOf(ctx.params.id), ctx.state.user!);
  });
  r.put("/:id", signedIn, async (ctx) => {
    const input = parseInput(campaignInputSchema, ctx.request.body, "campaign");
    ctx.body = await campaigns.update(idOf(ctx.params.id), input, ctx.state.user!);
  });
  r.get("/:id/measurement", signedIn, async (ctx) => {
    ctx.body = await measurement.measure(await campaigns.visible(idOf(ctx.params.id), ctx.state.user!));
  });
  r.post("/:id/launch", signedIn, async (ctx) => {
    ctx.body = await launch.launch(idOf(ctx.params.id), ctx.state.user!);
    await audited(ctx, "launch", idOf(ctx.params.id));
  });
  r.post("/:id/pause", signedIn, async (ctx) => {
    ctx.body = await campaigns.pause(idOf(ctx.params.id), ctx.state.user!);
    await audited(ctx, "pause", idOf(ctx.params.id));
  });
  r.post("/:id/resume", signedIn, async (ctx) => {
    ctx.body = await campaigns.resume(idOf(ctx.params.id), ctx.state.user!);
    await audited(ctx, "resume", idOf(ctx.params.id));
  });
  r.post("/:id/cancel", signedIn, async (ctx) => {
    ctx.body = await campaigns.cancel(idOf(ctx.params.id), ctx.state.user!);
    await audited(ctx, "cancel", idOf(ctx.params.id));
  });
  r.post("/:id/remind", signedIn, async (ctx) => {
    const id = idOf(ctx.params.id);
    await campaigns.manageable(id, ctx.state.user!);
    ctx.body = await tracking.remindNow(id);
    await audited(ctx, "remind", id);
  });
  r.post("/:id/copy", signedIn, async (ctx) => {
    ctx.status = 201;
    ctx.body = await campaigns.copy(idOf(ctx.params.id), ctx.state.user!);
  });
  r.post("/:id/mass-send-results", signedIn, async (ctx) => {
    const id = idOf(ctx.params.id);
    await campaigns.manageable(id, ctx.state.user!);
    ctx.body = await tracking.readMassSendResults(id);
  });
  r.get("/:id/tasks", signedIn, async (ctx) => {
    const q = parseInput(taskListQuery, ctx.query, "query");
    ctx.body = await campaigns.tasks(idOf(ctx.params.id), ctx.state.user!, q.page, q.pageSize);
  });
  r.get("/:id/targets", signedIn, async (ctx) => {
    ctx.body = await campaigns.targets(
      idOf(ctx.params.id),
      parseInput(targetListQuery, ctx.query, "query"),
      ctx.state.user!,
    );
  });
  return r;
}
