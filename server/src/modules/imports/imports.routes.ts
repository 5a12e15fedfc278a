import Router from "@koa/router";
import type { AppContext, AppState } from "../../http/app-context.ts";
import { AppError, PayloadTooLargeError } from "../../http/errors.ts";
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
    const data = await readUpload(ctx);
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

/**
 * The CSV bytes. The app's body parser leaves text/csv (and octet-stream) unread, so they are
 * read here with the upload limit; text/plain arrives already parsed (within its own 1 MB limit).
 */
async function readUpload(ctx: AppContext): Promise<Buffer> {
  if (typeof ctx.request.body === "string") return Buffer.from(ctx.request.body, "utf8");
  if (ctx.is("json", "urlencoded", "multipart"))
    throw new AppError(
      415,
      "unsupported_media_type",
      "Send the CSV file itself as the request body (Content-Type: text/csv), not as JSON or a form",
    );
  const tooLarge = () => new PayloadTooLargeError(`The file is larger than ${MAX_UPLOAD_BYTES / 1024 / 1024} MB`);
  if (Number(ctx.get("content-length")) > MAX_UPLOAD_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > MAX_UPLOAD_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
