import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import { createTagGroupSchema, createTagSchema, customerTagSchema, updateTagSchema } from "./tags.schemas.ts";
import type { TagsService } from "./tags.service.ts";

const HQ = ["hq_admin", "hq_operator"] as const;

export function tagsRoutes(tags: TagsService, customers: CustomersService): Router<AppState> {
  const r = new Router<AppState>();
  const actor = (ctx: { state: AppState }) => ctx.state.user!.username;

  r.get("/tag-groups", requireUser(), async (ctx) => {
    ctx.body = { items: await tags.groups() };
  });
  r.post("/tag-groups", requireUser(...HQ), async (ctx) => {
    const { name } = parseInput(createTagGroupSchema, ctx.request.body, "tag group");
    ctx.status = 201;
    ctx.body = await tags.createGroup(name, actor(ctx));
  });
  r.post("/tags", requireUser(...HQ), async (ctx) => {
    const { groupId, name } = parseInput(createTagSchema, ctx.request.body, "tag");
    ctx.status = 201;
    ctx.body = await tags.createTag(groupId, name, actor(ctx));
  });
  r.patch("/tags/:id", requireUser(...HQ), async (ctx) => {
    ctx.body = await tags.updateTag(
      Number(ctx.params.id),
      parseInput(updateTagSchema, ctx.request.body, "tag"),
      actor(ctx),
    );
  });
  r.delete("/tags/:id", requireUser(...HQ), async (ctx) => {
    await tags.deleteTag(Number(ctx.params.id), actor(ctx));
    ctx.status = 204;
  });
  // store managers tag their own stores' customers too
  r.post("/customers/:id/tags", requireUser(), async (ctx) => {
    const id = Number(ctx.params.id);
    await customers.assertVisible(id, ctx.state.user!);
    const { tagId } = parseInput(customerTagSchema, ctx.request.body, "customer tag");
    await tags.addToCustomer(id, tagId, actor(ctx));
    ctx.status = 204;
  });
  r.delete("/customers/:id/tags/:tagId", requireUser(), async (ctx) => {
    const id = Number(ctx.params.id);
    await customers.assertVisible(id, ctx.state.user!);
    await tags.removeFromCustomer(id, Number(ctx.params.tagId), actor(ctx));
    ctx.status = 204;
  });
  return r;
}
