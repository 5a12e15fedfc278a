import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { Rule } from "./segment-rule.ts";
import { previewSchema, saveSegmentSchema } from "./segments.schemas.ts";
import type { SegmentsService } from "./segments.service.ts";

const HQ = ["hq_admin", "hq_operator"] as const;
const idOf = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError("No such segment");
  return id;
};

export function segmentsRoutes(segments: SegmentsService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/segments" });
  r.post("/preview", requireUser(), async (ctx) => {
    const { rule } = parseInput(previewSchema, ctx.request.body, "segment rule");
    ctx.body = await segments.preview(rule as Rule, ctx.state.user!);
  });
  r.get("/", requireUser(), async (ctx) => {
    ctx.body = { items: await segments.list() };
  });
  r.get("/:id", requireUser(), async (ctx) => {
    ctx.body = await segments.get(idOf(ctx.params.id), ctx.state.user!);
  });
  r.post("/", requireUser(...HQ), async (ctx) => {
    const input = parseInput(saveSegmentSchema, ctx.request.body, "segment");
    ctx.status = 201;
    ctx.body = await segments.save({ ...input, rule: input.rule as Rule }, ctx.state.user!.id);
  });
  r.put("/:id", requireUser(...HQ), async (ctx) => {
    const input = parseInput(saveSegmentSchema, ctx.request.body, "segment");
    ctx.body = await segments.save({ ...input, rule: input.rule as Rule }, ctx.state.user!.id, idOf(ctx.params.id));
  });
  r.delete("/:id", requireUser(...HQ), async (ctx) => {
    await segments.remove(idOf(ctx.params.id));
    ctx.status = 204;
  });
  return r;
}
