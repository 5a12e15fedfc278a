/**
 * Business days (Asia/Shanghai, UTC+8 all year): group activity and WeCom's statistics are kept per
 * natural day in China, as `YYYY-MM-DD`.
 */
const OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;

/** The business day that contains `at`. */
export function businessDay(at: Date): string {
  return new Date(at.getTime() + OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 of a business day, as an instant. */
export function dayStartOf(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00Z`) - OFFSET_MS);
}

/** The day `n` days after `day` (n may be negative). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Every day from `from` to `to`, both included. */
export function daysBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}
