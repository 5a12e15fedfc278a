import { http } from "./http";
import type { DashboardSummary, LifecycleStage, SegmentKey } from "./types";

// Mirrors server/src/modules/dashboard/dashboard.schemas.ts.
export interface DashboardPeriod {
  /** "YYYY-MM-DD", China days, both included */
  from: string;
  to: string;
  days: number;
}

export interface Kpi {
  value: number;
  previous: number;
}

export type KpiKey = "customers" | "newCustomers" | "activeCustomers" | "orders" | "revenueCents";

export interface TaskTrendDay {
  day: string;
  targets: number;
  completed: number;
  sent: number;
  converted: number;
}

export interface GroupActivitySeries {
  source: "bot" | "wecom";
  days: { day: string; messages: number; activeMembers: number }[];
}

export interface StaffRate {
  staffId: number;
  userid: string;
  name: string;
  targets: number;
  sent: number;
  converted: number;
  completionRate: number;
  conversionRate: number;
}

export interface StaffRanking {
  top: StaffRate[];
  bottom: StaffRate[];
}

export interface DashboardOverview {
  period: DashboardPeriod;
  previous: DashboardPeriod;
  kpis: Record<KpiKey, Kpi>;
  lifecycle: { stage: LifecycleStage; count: number }[];
  segments: { key: SegmentKey; count: number }[];
  taskTrend: TaskTrendDay[];
  groupActivity: GroupActivitySeries[];
  staff: { byCompletion: StaffRanking; byConversion: StaffRanking };
}

export function getDashboardSummary(signal?: AbortSignal): Promise<DashboardSummary> {
  return http.get<DashboardSummary>("/api/v1/dashboard/summary", { signal });
}

export function getDashboardOverview(
  period: { from: string; to: string },
  signal?: AbortSignal,
): Promise<DashboardOverview> {
  return http.get<DashboardOverview>("/api/v1/dashboard/overview", { query: period, signal });
}
