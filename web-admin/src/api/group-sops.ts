import { http } from "./http";
import type { Paged } from "./types";

// Mirrors server/src/modules/group-sops/group-sops.schemas.ts.

/** Which groups an SOP posts to: explicit groups, or every group of some owners or stores. */
export type SopTargets =
  | { kind: "groups"; groupIds: number[] }
  | { kind: "owners"; staffIds: number[] }
  | { kind: "stores"; storeIds: number[] };
export type SopTargetKind = SopTargets["kind"];

export type SopRunStatus = "created" | "posting" | "done" | "missed" | "empty" | "failed";

export interface GroupSopInput {
  name: string;
  materialId: number;
  targets: SopTargets;
  /** five cron fields in Asia/Shanghai, e.g. `0 10 * * *` */
  schedule: string;
  dueHours: number;
  enabled: boolean;
  botAutoPost: boolean;
}

export interface GroupSopView extends GroupSopInput {
  id: number;
  material: { id: number; title: string; type: string } | null;
  nextRunAt: string | null;
  lastRun: { occursAt: string; status: SopRunStatus } | null;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface GroupSopRun {
  id: number;
  occursAt: string;
  status: SopRunStatus;
  campaignId: number | null;
  groups: number;
  tasks: number;
  skippedSlots: number;
  botPosted: number;
  botFailed: number;
  error: string | null;
  targets: { pending: number; sent: number; skipped: number; failed: number };
  dueAt: string | null;
}

export interface GroupOption {
  id: number;
  chatId: string;
  name: string;
  memberCount: number;
  owner: { id: number; name: string } | null;
}

const base = "/api/v1/group-sops";
export const listGroupSops = (signal?: AbortSignal) =>
  http.get<Paged<GroupSopView>>(base, { query: { page: 1, pageSize: 100 }, signal });
export const getGroupSop = (id: number, signal?: AbortSignal) => http.get<GroupSopView>(`${base}/${id}`, { signal });
export const createGroupSop = (input: GroupSopInput) => http.post<GroupSopView>(base, input);
export const updateGroupSop = (id: number, input: GroupSopInput) => http.put<GroupSopView>(`${base}/${id}`, input);
export const toggleGroupSop = (id: number, enabled: boolean) =>
  http.post<GroupSopView>(`${base}/${id}/toggle`, { enabled });
export async function deleteGroupSop(id: number): Promise<void> {
  await http.delete<void>(`${base}/${id}`);
}
export const listGroupSopRuns = (id: number, signal?: AbortSignal) =>
  http.get<Paged<GroupSopRun>>(`${base}/${id}/runs`, { query: { page: 1, pageSize: 50 }, signal });
/** Groups the signed-in user may post to (a store manager: their stores' groups). */
export async function listSopGroups(signal?: AbortSignal): Promise<GroupOption[]> {
  return (await http.get<{ items: GroupOption[] }>(`${base}/groups`, { query: { limit: 500 }, signal })).items;
}
