import type { RouteLocationRaw } from "vue-router";
import type { DashboardPeriod, Kpi, KpiKey } from "@/api/dashboard";
import type { DashboardSummary } from "@/api/types";
import type { MessageSchema } from "@/locales/zh-CN";
import { formatCents, formatCount } from "@/utils/format";

type StatKey = keyof MessageSchema["dashboard"]["stats"];
type HintKey = keyof MessageSchema["dashboard"]["hints"];

export interface StatCard {
  key: StatKey;
  /** data-test hook of the value element. */
  testId: string;
  value: (s: DashboardSummary) => string;
  /** Optional secondary line: i18n key under dashboard.hints and its count. */
  hint?: { key: HintKey; count: (s: DashboardSummary) => number };
}

// The stat cards of the dashboard, in display order.
export const statCards: StatCard[] = [
  {
    key: "customers",
    testId: "count-customers",
    value: (s) => formatCount(s.customers),
    hint: { key: "followRelations", count: (s) => s.followRelations },
  },
  { key: "orders", testId: "count-orders", value: (s) => formatCount(s.orders) },
  { key: "revenue", testId: "revenue", value: (s) => formatCents(s.revenueCents) },
  {
    key: "groups",
    testId: "count-groups",
    value: (s) => formatCount(s.groups),
    hint: { key: "groupMembers", count: (s) => s.groupMembers },
  },
  { key: "staff", testId: "count-staff", value: (s) => formatCount(s.staff) },
  { key: "stores", testId: "count-stores", value: (s) => formatCount(s.stores) },
];

// ---- the period view (GET /dashboard/overview) ----

const DAY_MS = 86_400_000;
const CHINA_OFFSET_MS = 8 * 3_600_000;

/** Today as a China business day "YYYY-MM-DD" (the server counts days in UTC+8). */
export function chinaToday(now: Date = new Date()): string {
  return new Date(now.getTime() + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

export const PERIOD_PRESETS = [7, 30, 90] as const;

/** The `days` days ending today. */
export function lastDays(days: number, now?: Date): { from: string; to: string } {
  const to = chinaToday(now);
  return { from: addDays(to, 1 - days), to };
}

/** Change against the previous period: a fraction, or null when there is nothing to compare with. */
export function change(kpi: Kpi): number | null {
  if (kpi.previous === 0) return null;
  return (kpi.value - kpi.previous) / kpi.previous;
}

/** "+12.5%" / "-3.0%" */
export function formatChange(c: number): string {
  return `${c > 0 ? "+" : ""}${(c * 100).toFixed(1)}%`;
}

/** 0.6667 -> "66.7%" */
export function formatRate(r: number): string {
  return `${(r * 100).toFixed(1)}%`;
}

export interface KpiCard {
  key: KpiKey;
  format: (v: number) => string;
  /** the list behind the figure */
  link: (period: DashboardPeriod) => RouteLocationRaw;
}

// each figure opens the customer list of exactly those customers (same definitions on the server)
const bought = (p: DashboardPeriod, sort?: string): RouteLocationRaw => ({
  name: "customers",
  query: { boughtFrom: p.from, boughtTo: p.to, ...(sort ? { sort } : {}) },
});

export const kpiCards: KpiCard[] = [
  { key: "customers", format: formatCount, link: (p) => ({ name: "customers", query: { addedTo: p.to } }) },
  {
    key: "newCustomers",
    format: formatCount,
    link: (p) => ({ name: "customers", query: { addedFrom: p.from, addedTo: p.to } }),
  },
  { key: "activeCustomers", format: formatCount, link: (p) => bought(p) },
  // orders and revenue: the customers who placed them, biggest spenders first
  { key: "orders", format: formatCount, link: (p) => bought(p, "-frequency") },
  { key: "revenueCents", format: formatCents, link: (p) => bought(p, "-monetary") },
];

export const customersWith = (filter: "segment" | "lifecycle", value: string): RouteLocationRaw => ({
  name: "customers",
  query: { [filter]: value },
});

export const staffLink = (userid: string): RouteLocationRaw => ({ name: "staff", query: { q: userid } });
