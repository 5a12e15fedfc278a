import Router from "@koa/router";
import type { AppContext, AppState } from "../../http/app-context.ts";
import { readCsvUpload } from "../../http/read-upload.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { ImportKind, ImportService } from "./import.service.ts";
import { MAX_UPLOAD_BYTES, importIdParam, importListQuery, uploadQuery } from "./imports.schemas.ts";

/**
 * Admin center CSV imports (HQ). The file is the raw request body (`Content-Type: text/csv`, name in
 * `?filename=`); the answer is 202 with the job once the file has been checked, and the import goes
 * on in the background (`runInBackground`, which the server's shutdown waits for). A file that is
 * not CSV or has the wrong header is a 400 naming the problem, and nothing is imported.
 */
export function importRoutes(
  imports: ImportService,
  runInBackground: (work: Promise<unknown>) => void,
): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/imports" });
  const hq = requireUser("hq_admin", "hq_operator");

  const upload = (kind: ImportKind) => async (ctx: AppContext) => {
    const { filename } = parseInput(uploadQuery, ctx.query, "query");
    const data = await readCsvUpload(ctx, MAX_UPLOAD_BYTES);
    const { job, done } = await imports.start({
      kind,
      source: "csv",
      filename: filename ?? null,
      actor: ctx.state.user!.username,
      open: () => data,
    });
    runInBackground(done);
    ctx.status = 202;
    ctx.body = { job };
  };
  r.post("/customers", hq, upload("customers"));
  r.post("/orders", hq, upload("orders"));

  r.get("/", hq, async (ctx) => {
    ctx.body = await imports.list(parseInput(importListQuery, ctx.query, "query"));
  });
  r.get("/:id", hq, async (ctx) => {
    ctx.body = await imports.get(parseInput(importIdParam, ctx.params, "path").id);
  });
  r.get("/:id/errors.csv", hq, async (ctx) => {
    const { id } = parseInput(importIdParam, ctx.params, "path");
    ctx.body = await imports.errorReportCsv(id);
    ctx.type = "text/csv; charset=utf-8";
    ctx.attachment(`import-${id}-errors.csv`);
  });
  return r;
}
