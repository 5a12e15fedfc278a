import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { readCsvUpload } from "../../http/read-upload.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { MAX_UPLOAD_BYTES } from "../imports/imports.schemas.ts";
import { listIdParam, listUploadQuery } from "./audience-lists.schemas.ts";
import type { AudienceListsService } from "./audience-lists.service.ts";

/**
 * Uploaded-list audiences. The CSV is the raw request body (`Content-Type: text/csv`, `?name=` and
 * `?filename=` in the query), as for CSV imports; the answer (201) reports the matched count and
 * every unmatched row. HQ uploads and removes lists; every admin reads them and previews the
 * members (a store manager's preview stays inside their stores).
 */
export function audienceListsRoutes(lists: AudienceListsService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/audience-lists" });
  const hq = requireUser("hq_admin", "hq_operator");
  const signedIn = requireUser();

  r.post("/", hq, async (ctx) => {
    const query = parseInput(listUploadQuery, ctx.query, "query");
    const data = await readCsvUpload(ctx, MAX_UPLOAD_BYTES);
    ctx.status = 201;
    ctx.body = await lists.upload({ ...query, data, userId: ctx.state.user!.id });
  });
  r.get("/", signedIn, async (ctx) => {
    ctx.body = { items: await lists.list() };
  });
  r.get("/:id", signedIn, async (ctx) => {
    ctx.body = await lists.get(parseInput(listIdParam, ctx.params, "path").id);
  });
  r.get("/:id/preview", signedIn, async (ctx) => {
    ctx.body = await lists.preview(parseInput(listIdParam, ctx.params, "path").id, ctx.state.user!);
  });
  r.delete("/:id", hq, async (ctx) => {
    await lists.remove(parseInput(listIdParam, ctx.params, "path").id);
    ctx.status = 204;
  });
  return r;
}
