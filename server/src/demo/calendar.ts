import type { Rng } from "./random.ts";

/**
 * The demo brand's calendar. The corp trades on China time (UTC+8, no daylight saving): a "day"
 * here is a local calendar day, numbered from the Unix epoch, and `group_activity_daily.day`
 * uses the same local date. Times leave this module as UTC epoch milliseconds.
 */
export const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const TZ_OFFSET_MS = 8 * HOUR_MS;

/** local day number of a UTC instant */
export const localDay = (ms: number): number => Math.floor((ms + TZ_OFFSET_MS) / DAY_MS);
/** UTC instant of local midnight starting the day */
export const dayStart = (day: number): number => day * DAY_MS - TZ_OFFSET_MS;
/** `YYYY-MM-DD` of the local day */
export const dayKey = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** `YYYYMMDD` of the local day of a UTC instant */
export const compactDate = (ms: number): string => dayKey(localDay(ms)).replace(/-/g, "");

/** Chinese New Year (Spring Festival), local date, for the years a demo can plausibly span. */
const SPRING_FESTIVAL: Record<number, string> = {
  2018: "02-16",
  2019: "02-05",
  2020: "01-25",
  2021: "02-12",
  2022: "02-01",
  2023: "01-22",
  2024: "02-10",
  2025: "01-29",
  2026: "02-17",
  2027: "02-06",
  2028: "01-26",
  2029: "02-13",
  2030: "02-03",
  2031: "01-23",
  2032: "02-11",
  2033: "01-31",
  2034: "02-19",
  2035: "02-08",
  2036: "01-28",
  2037: "02-15",
  2038: "02-04",
};

function springFestivalDay(year: number): number {
  const md = SPRING_FESTIVAL[year] ?? "02-05";
  return Math.floor(Date.parse(`${year}-${md}T00:00:00Z`) / DAY_MS);
}

/** days from the nearest Spring Festival (negative before it) */
function springFestivalOffset(day: number): number {
  const year = new Date(day * DAY_MS).getUTCFullYear();
  const candidates = [springFestivalDay(year - 1), springFestivalDay(year), springFestivalDay(year + 1)];
  let best = day - candidates[0];
  for (const c of candidates) if (Math.abs(day - c) < Math.abs(best)) best = day - c;
  return best;
}

export type PromoDay = "double11" | "618" | null;

/** The two online shopping festivals whose first hours after midnight see a rush of orders. */
export function promoDay(day: number): PromoDay {
  const d = new Date(day * DAY_MS);
  const m = d.getUTCMonth() + 1,
    dom = d.getUTCDate();
  if (m === 11 && dom === 11) return "double11";
  if (m === 6 && dom === 18) return "618";
  return null;
}

/**
 * Relative retail demand on a local day: weekends, Double 11 (with its pre-sale run-up), 618,
 * Double 12, Women's Day, 520, the Spring Festival shopping peak and the quiet holiday week
 * after it, a summer lull.
 */
export function demand(day: number): number {
  const d = new Date(day * DAY_MS);
  const m = d.getUTCMonth() + 1,
    dom = d.getUTCDate(),
    dow = d.getUTCDay();
  let w = dow === 0 || dow === 6 ? 1.35 : dow === 5 ? 1.1 : 1;
  if (m === 11) w *= dom === 11 ? 6 : dom === 10 ? 2.4 : dom < 11 ? 1.4 : dom <= 13 ? 1.4 : 1;
  if (m === 10 && dom >= 24) w *= 1.2;
  if (m === 6) w *= dom === 18 ? 4.5 : dom === 17 ? 2 : dom < 18 ? 1.3 : dom <= 20 ? 1.25 : 1;
  if (m === 12 && dom === 12) w *= 2;
  if (m === 3 && dom === 8) w *= 2.2;
  if (m === 5 && dom === 20) w *= 1.5;
  if (m === 7 || m === 8) w *= 0.9;
  const sf = springFestivalOffset(day);
  if (sf >= -21 && sf <= -2) w *= 1.8;
  else if (sf >= -1 && sf <= 6) w *= 0.45;
  else if (sf >= 7 && sf <= 15) w *= 1.15;
  return w;
}

/** Busy days in customer groups: promotion days and the Spring Festival greetings. */
export function chatDemand(day: number): number {
  const d = new Date(day * DAY_MS);
  const dow = d.getUTCDay();
  const sf = springFestivalOffset(day);
  let w = dow === 0 || dow === 6 ? 0.8 : 1;
  if (promoDay(day) || promoDay(day + 1)) w *= 1.9;
  if (sf >= -1 && sf <= 1) w *= 2.2;
  return w;
}

const STORE_HOURS = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5, 8, 9, 10, 12, 13, 12, 10, 11, 14, 15, 10, 3, 0];
const ONLINE_HOURS = [4, 2, 1, 1, 1, 1, 2, 3, 5, 7, 8, 9, 10, 9, 9, 9, 9, 9, 10, 12, 14, 15, 13, 8];
const CHAT_HOURS = [1, 0.5, 0.2, 0.1, 0.1, 0.2, 0.5, 2, 5, 7, 8, 8, 9, 8, 7, 7, 7, 6, 7, 9, 11, 12, 9, 4];
const HOURS = Array.from({ length: 24 }, (_, h) => h);

/** A local hour of day for an order (in store: opening hours; online: round the clock). */
export function orderHour(rng: Rng, day: number, online: boolean): number {
  if (promoDay(day) && rng.chance(0.3)) return rng.int(0, 1); // the midnight rush
  return rng.weighted(HOURS, online ? ONLINE_HOURS : STORE_HOURS);
}

export function chatHour(rng: Rng): number {
  return rng.weighted(HOURS, CHAT_HOURS);
}

/**
 * A whole-second instant on `day` at a drawn hour, strictly before `before` (the day may be
 * today). Falls back to a uniform time in what is left of the day.
 */
export function timeOnDay(rng: Rng, day: number, hour: () => number, before: number, notBefore = -Infinity): number {
  const start = dayStart(day);
  const lo = Math.max(start, notBefore);
  const hi = Math.min(start + DAY_MS, before);
  for (let attempt = 0; attempt < 8; attempt++) {
    const t = start + hour() * HOUR_MS + rng.int(0, 3599) * 1000;
    if (t >= lo && t < hi) return t;
  }
  const t = Math.floor((lo + rng.next() * (hi - lo)) / 1000) * 1000;
  return t >= lo ? t : lo;
}
