import { invalidParam } from "./errors.ts";

// Cursors are opaque to clients, as WeCom's are; inside they are just an offset.
const PREFIX = "simcursor:";

export function encodeCursor(offset: number): string {
  return Buffer.from(`${PREFIX}${offset}`).toString("base64url");
}

export function decodeCursor(cursor: string | undefined): number {
  if (!cursor) return 0;
  const raw = Buffer.from(cursor, "base64url").toString();
  const offset = raw.startsWith(PREFIX) ? Number(raw.slice(PREFIX.length)) : NaN;
  if (!Number.isInteger(offset) || offset < 0) throw invalidParam("cursor is invalid");
  return offset;
}

/** One page of `items` from `cursor`; next_cursor is "" at the end. */
export function pageOf<T>(items: T[], cursor: string | undefined, limit: number): { page: T[]; next_cursor: string } {
  const from = decodeCursor(cursor);
  const page = items.slice(from, from + limit);
  const next = from + page.length;
  return { page, next_cursor: next < items.length ? encodeCursor(next) : "" };
}

/** WeCom's usual limit rule: missing or 0 → default, above max → max. */
export function clampLimit(limit: number | undefined, def: number, max: number): number {
  if (!limit || limit < 1) return def;
  return Math.min(limit, max);
}
