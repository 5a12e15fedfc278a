import { z } from "zod";

/**
 * Field rules shared by the CSV rows and the orders API: money as decimal yuan read into integer
 * cents by string arithmetic (never through a float), and instants as ISO 8601 with an offset.
 */

/** One rejected row: the line in the file (for the API, the 1-based position), the column, why. */
export interface RowProblem {
  line: number;
  column: string | null;
  reason: string;
}

/** What a batch did with one valid row. */
export type RowStatus = "inserted" | "updated" | "unchanged";

/** Largest amount the integer columns hold: 2 147 483 647 cents. */
export const MAX_CENTS = 2_147_483_647;

export type Parsed<T> = { ok: true; value: T } | { ok: false; reason: string };

const YUAN = /^(\d+)(?:\.(\d*))?$/;

/** `128.50` → 12850. Empty input is the caller's business. */
export function parseYuan(text: string): Parsed<number> {
  const s = text.trim();
  if (s.startsWith("-") && YUAN.test(s.slice(1))) return { ok: false, reason: "must not be negative" };
  const m = YUAN.exec(s);
  if (!m) return { ok: false, reason: "must be an amount in yuan such as 128.50" };
  const [, whole, frac = ""] = m;
  if (frac.length > 2) return { ok: false, reason: "at most 2 decimals" };
  if (m[2] !== undefined && frac.length === 0) return { ok: false, reason: "must be an amount in yuan such as 128.50" };
  const digits = (whole!.replace(/^0+(?=\d)/, "") + frac.padEnd(2, "0")).replace(/^0+(?=\d)/, "");
  // compare as digit strings, so that no amount ever passes through floating point
  const max = String(MAX_CENTS);
  if (digits.length > max.length || (digits.length === max.length && digits > max))
    return { ok: false, reason: `must be at most ${formatCents(MAX_CENTS)}` };
  return { ok: true, value: Number(digits) };
}

/** 12850 → `128.50` */
export function formatCents(cents: number): string {
  const s = String(Math.abs(cents)).padStart(3, "0");
  return `${cents < 0 ? "-" : ""}${s.slice(0, -2)}.${s.slice(-2)}`;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2})(?::?(\d{2}))?)?$/;

export const ISO_EXAMPLE = "2026-05-20T13:14:00+08:00";

/** `2026-05-20T13:14:00+08:00` → the UTC instant (millisecond precision, as the columns keep). */
export function parseInstant(text: string): Parsed<Date> {
  const m = ISO.exec(text.trim());
  if (!m) return { ok: false, reason: `must be ISO 8601 with an offset, such as ${ISO_EXAMPLE}` };
  const [, y, mo, d, h, mi, sec = "0", frac = "", zulu, sign, oh, om = "0"] = m;
  if (!zulu && !sign)
    return { ok: false, reason: `must be ISO 8601 with an offset (+08:00 or Z), such as ${ISO_EXAMPLE}` };
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(sec);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth) return { ok: false, reason: "is not a real date" };
  if (hour > 23 || minute > 59 || second > 59) return { ok: false, reason: "is not a real time of day" };
  const offsetMinutes = zulu ? 0 : (sign === "-" ? -1 : 1) * (Number(oh) * 60 + Number(om));
  if (Number(oh ?? 0) > 14 || Number(om) > 59) return { ok: false, reason: "has an impossible offset" };
  if (year < 1970) return { ok: false, reason: "must be after 1970" };
  const ms = Number(frac.padEnd(3, "0").slice(0, 3));
  const utc = Date.UTC(year, month - 1, day, hour, minute, second, ms) - offsetMinutes * 60_000;
  return { ok: true, value: new Date(utc) };
}

/** A zod string (already trimmed) run through one of the parsers above. */
export function parsedWith<T>(parse: (s: string) => Parsed<T>) {
  return z.string().transform((s, ctx) => {
    const r = parse(s);
    if (r.ok) return r.value;
    ctx.addIssue({ code: "custom", message: r.reason });
    return z.NEVER;
  });
}

/** A trimmed cell: empty → null, otherwise checked by `inner` (whose first message is the reason). */
export const optional = <T>(inner: z.ZodType<T, string>) =>
  z.string().transform((s, ctx): T | null => {
    const t = s.trim();
    if (t === "") return null;
    const r = inner.safeParse(t);
    if (r.success) return r.data;
    ctx.addIssue({ code: "custom", message: r.error.issues[0]?.message ?? "is not valid" });
    return z.NEVER;
  });

/** An identifier-like cell (no spaces), empty allowed. */
export const code = (max: number) =>
  optional(z.string().max(max, `at most ${max} characters`).regex(/^\S+$/, "must not contain spaces"));

/** zod issues of one row as problems `{ line, column, reason }`, in column order. */
export function problemsOf(
  line: number,
  issues: readonly { path: readonly PropertyKey[]; message: string }[],
  columns: readonly string[],
): RowProblem[] {
  const problems = issues.map((i) => ({
    line,
    column: i.path.length ? String(i.path[0]) : null,
    reason: i.message,
  }));
  const rank = (c: string | null) => (c === null ? columns.length : columns.indexOf(c));
  return problems.sort((a, b) => rank(a.column) - rank(b.column));
}

export const MOBILE = /^1\d{10}$/;
