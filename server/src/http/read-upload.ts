import type { AppContext } from "./app-context.ts";
import { AppError, PayloadTooLargeError } from "./errors.ts";

/**
 * The bytes of an uploaded CSV sent as the request body. The app's body parser leaves text/csv and
 * octet-stream unread, so they are read here within `maxBytes`; text/plain arrives already parsed
 * (within the parser's own limit). JSON and forms are refused with 415.
 */
export async function readCsvUpload(ctx: AppContext, maxBytes: number): Promise<Buffer> {
  if (typeof ctx.request.body === "string") return Buffer.from(ctx.request.body, "utf8");
  if (ctx.is("json", "urlencoded", "multipart"))
    throw new AppError(
      415,
      "unsupported_media_type",
      "Send the CSV file itself as the request body (Content-Type: text/csv), not as JSON or a form",
    );
  const tooLarge = () => new PayloadTooLargeError(`The file is larger than ${maxBytes / 1024 / 1024} MB`);
  if (Number(ctx.get("content-length")) > maxBytes) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of ctx.req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
