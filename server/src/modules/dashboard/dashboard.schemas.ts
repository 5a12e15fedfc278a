import { z } from "zod";

const DAY_MS = 86_400_000;
/** Business days are China days (UTC+8, no daylight saving), like group_activity_daily.day. */
const OFFSET_MS = 8 * 3_600_000;
export const MAX_PERIOD_DAYS = 366;

const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine(
    (v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v),
    {
      message: "is not a real date",
    },
  );

/** `?from=2026-11-01&to=2026-11-30` (both days included); default: the 30 days ending today. */
export const overviewQuery = z.object({ from: day.optional(), to: day.optional() }).superRefine((v, ctx) => {
  if (v.from && v.to && v.from > v.to)
    ctx.addIssue({ code: "custom", path: ["from"], message: "must not be after to" });
  if (v.from && v.to && dayNumber(v.to) - dayNumber(v.from) + 1 > MAX_PERIOD_DAYS)
    ctx.addIssue({ code: "custom", path: ["to"], message: `the period is at most ${MAX_PERIOD_DAYS} days` });
});
export type OverviewQuery = z.infer<typeof overviewQuery>;

/** Days since the epoch of a `YYYY-MM-DD` business day. */
export const dayNumber = (d: string): number => Date.parse(`${d}T00:00:00Z`) / DAY_MS;
export const dayString = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);
/** The business day holding an instant. */
export const dayOfInstant = (at: Date): number => Math.floor((at.getTime() + OFFSET_MS) / DAY_MS);
/** The UTC instant at which a business day starts. */
export const dayStart = (n: number): Date => new Date(n * DAY_MS - OFFSET_MS);

export interface Period {
  from: string;
  to: string;
  days: number;
}

export interface Kpi {
  value: number;
  previous: number;
}

export interface TaskTrendDay {
  day: string;
  /** targets of tasks due that day, and how many of them are no longer pending */
  targets: number;
  completed: number;
  /** targets sent that day, and how many of those have converted since */
  sent: number;
  converted: number;
}

export interface GroupActivitySeries {
  source: "bot" | "wecom";
  days: { day: string; messages: number; activeMembers: number }[];
}

/** One staff member over the targets assigned to them in the period. */
export interface StaffRate {
  staffId: number;
  userid: string;
  name: string;
  targets: number;
  sent: number;
  converted: number;
  /** sent / targets */
  completionRate: number;
  /** converted / sent */
  conversionRate: number;
}

export interface DashboardOverview {
  period: Period;
  previous: Period;
  kpis: {
    customers: Kpi;
    newCustomers: Kpi;
    activeCustomers: Kpi;
    orders: Kpi;
    revenueCents: Kpi;
  };
  lifecycle: { stage: string; count: number }[];
  segments: { key: string; count: number }[];
  taskTrend: TaskTrendDay[];
  groupActivity: GroupActivitySeries[];
  staff: {
    byCompletion: { top: StaffRate[]; bottom: StaffRate[] };
    byConversion: { top: StaffRate[]; bottom: StaffRate[] };
  };
}
