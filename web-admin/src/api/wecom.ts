import { http } from "./http";
import type { SyncRunView } from "./types";

export function getSyncStatus(signal?: AbortSignal): Promise<{ run: SyncRunView | null }> {
  return http.get<{ run: SyncRunView | null }>("/api/v1/wecom/sync", { signal });
}

export function startSync(): Promise<{ started: boolean; reason?: string }> {
  return http.post<{ started: boolean; reason?: string }>("/api/v1/wecom/sync", {});
}
