import Router from "@koa/router";
import type { Middleware } from "koa";
import { z } from "zod";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { materialQuery } from "../materials/material.schemas.ts";
import type { MaterialsService } from "../materials/materials.service.ts";
import type { TagsService } from "../tags/tags.service.ts";
import type { SidebarWorkService } from "./sidebar-work.service.ts";

const noteSchema = z.object({ body: z.string().trim().min(1, "is required").max(2000) });
const tagSchema = z.object({ tagId: z.coerce.number().int().positive() });
const sentSchema = z.object({ materialIds: z.array(z.number().int().positive()).max(20).default([]) });
const skipSchema = z.object({ reason: z.string().trim().min(1, "is required").max(255) });
const statusQuery = z.object({ status: z.enum(["pending", "sent", "skipped", "failed", "converted"]).optional() });
const renderQuery = z.object({ externalUserid: z.string().min(1).max(128).optional() });
const idOf = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError();
  return id;
};

/** The guide's work in the chat sidebar; every route runs on the WeCom-signed staff session. */
export function sidebarWorkRoutes(
  work: SidebarWorkService,
  materials: MaterialsService,
  tags: TagsService,
  staffOnly: Middleware<AppState>,
): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/sidebar" });
  const staff = (ctx: { state: AppState }) => ctx.state.staff!;

  r.get("/customers/:externalUserid", staffOnly, async (ctx) => {
    ctx.body = await work.customerPage(staff(ctx).id, ctx.params.externalUserid!);
  });
  r.post("/customers/:externalUserid/notes", staffOnly, async (ctx) => {
    await work.addNote(
      staff(ctx).id,
      ctx.params.externalUserid!,
      parseInput(noteSchema, ctx.request.body, "note").body,
    );
    ctx.status = 204;
  });
  r.post("/customers/:externalUserid/tags", staffOnly, async (ctx) => {
    const id = await work.followedCustomer(staff(ctx).id, ctx.params.externalUserid!);
    await tags.addToCustomer(id, parseInput(tagSchema, ctx.request.body, "tag").tagId, `staff:${staff(ctx).userid}`);
    ctx.status = 204;
  });
  r.delete("/customers/:externalUserid/tags/:tagId", staffOnly, async (ctx) => {
    const id = await work.followedCustomer(staff(ctx).id, ctx.params.externalUserid!);
    await tags.removeFromCustomer(id, idOf(ctx.params.tagId), `staff:${staff(ctx).userid}`);
    ctx.status = 204;
  });
  // the manual tags a guide may put on a customer (system tags are the engine's), by group
  r.get("/tags", staffOnly, async (ctx) => {
    const groups = await tags.groups();
    ctx.body = {
      groups: groups
        .map((g) => ({
          id: g.id,
          name: g.name,
          tags: g.tags.filter((t) => t.source === "manual").map((t) => ({ id: t.id, name: t.name })),
        }))
        .filter((g) => g.tags.length > 0),
    };
  });
  r.get("/tasks", staffOnly, async (ctx) => {
    ctx.body = await work.tasks(staff(ctx).id);
  });
  r.get("/tasks/:id/targets", staffOnly, async (ctx) => {
    const { status } = parseInput(statusQuery, ctx.query, "filter");
    ctx.body = { items: await work.taskTargets(staff(ctx).id, idOf(ctx.params.id), status) };
  });
  r.post("/targets/:id/sent", staffOnly, async (ctx) => {
    await work.markSent(
      staff(ctx).id,
      idOf(ctx.params.id),
      parseInput(sentSchema, ctx.request.body, "send").materialIds,
    );
    ctx.status = 204;
  });
  r.post("/targets/:id/skip", staffOnly, async (ctx) => {
    await work.skip(staff(ctx).id, idOf(ctx.params.id), parseInput(skipSchema, ctx.request.body, "skip").reason);
    ctx.status = 204;
  });
  r.get("/materials", staffOnly, async (ctx) => {
    ctx.body = await materials.search(parseInput(materialQuery, ctx.query, "material search"));
  });
  r.get("/materials/folders", staffOnly, async (ctx) => {
    const folders = await materials.folders();
    ctx.body = { items: folders.map((f) => ({ id: f.id, name: f.name, parentId: f.parentId })) };
  });
  r.get("/materials/:id/render", staffOnly, async (ctx) => {
    const { externalUserid } = parseInput(renderQuery, ctx.query, "render");
    ctx.body = { content: await work.renderMaterial(staff(ctx).id, idOf(ctx.params.id), externalUserid) };
  });
  r.get("/groups/:chatId", staffOnly, async (ctx) => {
    ctx.body = await work.groupPage(staff(ctx).id, ctx.params.chatId!);
  });
  return r;
}
