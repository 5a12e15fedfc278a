import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { automationInputSchema, automationListQuery, runListQuery } from "./automations.schemas.ts";
import type { AutomationsService } from "./automations.service.ts";

const HQ = ["hq_admin", "hq_operator"] as const;
const idOf = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError("No such automation");
  return id;
};

/** /automations: admins read (list with the latest runs, detail, run log); HQ creates, edits, switches on and off. */
export function automationsRoutes(automations: AutomationsService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/automations" });
  r.get("/", requireUser(), async (ctx) => {
    ctx.body = await automations.list(parseInput(automationListQuery, ctx.query, "query"));
  });
  r.post("/", requireUser(...HQ), async (ctx) => {
    const input = parseInput(automationInputSchema, ctx.request.body, "automation");
    ctx.status = 201;
    ctx.body = await automations.create(input, ctx.state.user!);
  });
  r.get("/:id", requireUser(), async (ctx) => {
    ctx.body = await automations.get(idOf(ctx.params.id));
  });
  r.put("/:id", requireUser(...HQ), async (ctx) => {
    const input = parseInput(automationInputSchema, ctx.request.body, "automation");
    ctx.body = await automations.update(idOf(ctx.params.id), input);
  });
  r.post("/:id/enable", requireUser(...HQ), async (ctx) => {
    ctx.body = await automations.enable(idOf(ctx.params.id));
  });
  r.post("/:id/disable", requireUser(...HQ), async (ctx) => {
    ctx.body = await automations.disable(idOf(ctx.params.id));
  });
  r.get("/:id/runs", requireUser(), async (ctx) => {
    ctx.body = await automations.runs(idOf(ctx.params.id), parseInput(runListQuery, ctx.query, "query"));
  });
  return r;
}
