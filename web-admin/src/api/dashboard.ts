import { http } from "./http";
import type { DashboardSummary, LifecycleStage, SegmentKey } from "./types";

// Response shapes are the server's own (type-only: nothing of the server reaches the bundle),
// with stage and segment narrowed to the keys the pages translate.
export type {
  GroupActivitySeries,
  Kpi,
  StaffRate,
  TaskTrendDay,
} from "../../../server/src/modules/dashboard/dashboard.schemas";
import type {
  DashboardOverview as ServerOverview,
  Period,
} from "../../../server/src/modules/dashboard/dashboard.schemas";

/** "YYYY-MM-DD", China days, both included */
export type DashboardPeriod = Period;
export type KpiKey = keyof ServerOverview["kpis"];
export type StaffRanking = ServerOverview["staff"]["byCompletion"];
export type DashboardOverview = Omit<ServerOverview, "lifecycle" | "segments"> & {
  lifecycle: { stage: LifecycleStage; count: number }[];
  segments: { key: SegmentKey; count: number }[];
};

export function getDashboardSummary(signal?: AbortSignal): Promise<DashboardSummary> {
  return http.get<DashboardSummary>("/api/v1/dashboard/summary", { signal });
}

export function getDashboardOverview(
  period: { from: string; to: string },
  signal?: AbortSignal,
): Promise<DashboardOverview> {
  return http.get<DashboardOverview>("/api/v1/dashboard/overview", { query: period, signal });
}
