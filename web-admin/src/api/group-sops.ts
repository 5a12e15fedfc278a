import { http } from "./http";
import type { Paged } from "./types";

// Shapes are the server's own (type-only import: nothing of the server reaches the bundle).
import type {
  GroupOptionView as GroupOption,
  GroupSopRunView as GroupSopRun,
  GroupSopView,
  SopInput as GroupSopInput,
  SopRunStatus,
  SopTargets,
} from "../../../server/src/modules/group-sops/group-sops.schemas";
export type { GroupOption, GroupSopInput, GroupSopRun, GroupSopView, SopRunStatus, SopTargets };
export type SopTargetKind = SopTargets["kind"];

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
