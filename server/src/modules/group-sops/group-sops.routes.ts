import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { userActor, type AuditService } from "../audit/audit.service.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { groupOptionsQuery, runListQuery, sopInputSchema, sopListQuery, toggleSchema } from "./group-sops.schemas.ts";
import type { GroupSopsService } from "./group-sops.service.ts";

const idOf = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError("No such group SOP");
  return id;
};

/**
 * /group-sops for HQ and store managers (a store manager only for their stores' groups; anything
 * else 404). Changes are audited as `group_sop.<action>` once they succeeded.
 */
export function groupSopsRoutes(sops: GroupSopsService, audit?: AuditService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/group-sops" });
  const signedIn = requireUser();
  const audited = (ctx: { state: AppState; ip: string }, action: string, id: number, details?: object) =>
    audit?.record(
      userActor(ctx.state.user!, ctx.ip),
      `group_sop.${action}`,
      { entity: "group_sop", id },
      (details as Record<string, unknown>) ?? null,
    );
  r.get("/", signedIn, async (ctx) => {
    ctx.body = await sops.list(parseInput(sopListQuery, ctx.query, "query"), ctx.state.user!);
  });
  // the group picker: groups this user may post to
  r.get("/groups", signedIn, async (ctx) => {
    ctx.body = await sops.groupOptions(parseInput(groupOptionsQuery, ctx.query, "query"), ctx.state.user!);
  });
  r.post("/", signedIn, async (ctx) => {
    const input = parseInput(sopInputSchema, ctx.request.body, "group SOP");
    const view = await sops.create(input, ctx.state.user!);
    ctx.status = 201;
    ctx.body = view;
    await audited(ctx, "create", view.id, input);
  });
  r.get("/:id", signedIn, async (ctx) => {
    ctx.body = await sops.get(idOf(ctx.params.id), ctx.state.user!);
  });
  r.put("/:id", signedIn, async (ctx) => {
    const input = parseInput(sopInputSchema, ctx.request.body, "group SOP");
    ctx.body = await sops.update(idOf(ctx.params.id), input, ctx.state.user!);
    await audited(ctx, "update", idOf(ctx.params.id), input);
  });
  r.delete("/:id", signedIn, async (ctx) => {
    await sops.remove(idOf(ctx.params.id), ctx.state.user!);
    ctx.status = 204;
    await audited(ctx, "delete", idOf(ctx.params.id));
  });
  r.post("/:id/toggle", signedIn, async (ctx) => {
    const { enabled } = parseInput(toggleSchema, ctx.request.body, "toggle");
    ctx.body = await sops.toggle(idOf(ctx.params.id), enabled, ctx.state.user!);
    await audited(ctx, enabled ? "enable" : "disable", idOf(ctx.params.id));
  });
  r.get("/:id/runs", signedIn, async (ctx) => {
    ctx.body = await sops.runs(idOf(ctx.params.id), parseInput(runListQuery, ctx.query, "query"), ctx.state.user!);
  });
  return r;
}
