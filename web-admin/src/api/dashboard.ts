import { http } from "./http";
import type { DashboardSummary } from "./types";

export function getDashboardSummary(signal?: AbortSignal): Promise<DashboardSummary> {
  return http.get<DashboardSummary>("/api/v1/dashboard/summary", { signal });
}
