import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError, PayloadTooLargeError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { MATERIAL_VARIABLES } from "./material-template.ts";
import { folderSchema, materialQuery, previewMaterialSchema, saveMaterialSchema } from "./material.schemas.ts";
import type { MaterialsService } from "./materials.service.ts";
import { UploadStore } from "./upload-store.ts";

const HQ = ["hq_admin", "hq_operator"] as const;
const idOf = (raw: string | undefined) => {
  const id = Number(raw);
  if (!Number.isInteger(id) || id <= 0) throw new NotFoundError("No such material");
  return id;
};

async function rawBody(req: NodeJS.ReadableStream, max: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const c of req) {
    size += (c as Buffer).length;
    if (size > max) throw new PayloadTooLargeError(`A file may be at most ${max / 1024 / 1024} MB`);
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Material library API; uploads take the raw file as the body and are served under /uploads/. */
export function materialsRoutes(
  materials: MaterialsService,
  uploads: UploadStore,
): { api: Router<AppState>; files: Router<AppState> } {
  const api = new Router<AppState>({ prefix: "/materials" });
  api.get("/variables", requireUser(), (ctx) => {
    ctx.body = {
      items: Object.entries(MATERIAL_VARIABLES).map(([name, label]) => ({ name, label, token: `{{${name}}}` })),
    };
  });
  api.get("/folders", requireUser(), async (ctx) => {
    ctx.body = { items: await materials.folders() };
  });
  api.post("/folders", requireUser(...HQ), async (ctx) => {
    const { name, parentId } = parseInput(folderSchema, ctx.request.body, "folder");
    ctx.status = 201;
    ctx.body = await materials.createFolder(name, parentId ?? null);
  });
  api.post("/preview", requireUser(), async (ctx) => {
    const { content, customerId } = parseInput(previewMaterialSchema, ctx.request.body, "material preview");
    ctx.body = await materials.preview(content, customerId ?? null, ctx.state.user!);
  });
  api.get("/", requireUser(), async (ctx) => {
    ctx.body = await materials.search(parseInput(materialQuery, ctx.query, "material search"));
  });
  api.get("/:id", requireUser(), async (ctx) => {
    ctx.body = await materials.get(idOf(ctx.params.id));
  });
  api.post("/", requireUser(...HQ), async (ctx) => {
    ctx.status = 201;
    ctx.body = await materials.save(parseInput(saveMaterialSchema, ctx.request.body, "material"), ctx.state.user!.id);
  });
  api.put("/:id", requireUser(...HQ), async (ctx) => {
    ctx.body = await materials.save(
      parseInput(saveMaterialSchema, ctx.request.body, "material"),
      ctx.state.user!.id,
      idOf(ctx.params.id),
    );
  });
  api.delete("/:id", requireUser(...HQ), async (ctx) => {
    await materials.archive(idOf(ctx.params.id));
    ctx.status = 204;
  });

  // mounted before the body parser: the upload is the raw body
  const files = new Router<AppState>();
  files.post("/api/v1/materials/uploads", requireUser(...HQ), async (ctx) => {
    ctx.status = 201;
    ctx.body = await uploads.save(ctx.get("content-type"), await rawBody(ctx.req, UploadStore.maxBytes()));
  });
  files.get("/uploads/:name", async (ctx) => {
    const file = await uploads.read(ctx.params.name ?? "");
    if (!file) throw new NotFoundError("No such file");
    ctx.type = file.type;
    ctx.set("Cache-Control", "public, max-age=31536000, immutable");
    ctx.set("Content-Disposition", "inline");
    ctx.body = file.body;
  });
  return { api, files };
}
