// The guide's work: customer and group pages, tasks and targets, materials (all scoped by the server).
import { http } from "./http";
import type {
  CustomerPage,
  GroupPage,
  ManualTagGroups,
  MaterialContent,
  MaterialFolder,
  MaterialSearch,
  TargetStatus,
  TaskList,
  TaskTarget,
} from "./types";

const enc = encodeURIComponent;

export function getCustomer(externalUserid: string, signal?: AbortSignal): Promise<CustomerPage> {
  return http.get<CustomerPage>(`/api/v1/sidebar/customers/${enc(externalUserid)}`, { signal });
}

export function addNote(externalUserid: string, body: string): Promise<void> {
  return http.post<void>(`/api/v1/sidebar/customers/${enc(externalUserid)}/notes`, { body });
}

export function addTag(externalUserid: string, tagId: number): Promise<void> {
  return http.post<void>(`/api/v1/sidebar/customers/${enc(externalUserid)}/tags`, { tagId });
}

export function removeTag(externalUserid: string, tagId: number): Promise<void> {
  return http.delete<void>(`/api/v1/sidebar/customers/${enc(externalUserid)}/tags/${tagId}`);
}

export function getManualTags(signal?: AbortSignal): Promise<ManualTagGroups> {
  return http.get<ManualTagGroups>("/api/v1/sidebar/tags", { signal });
}

export function getTasks(signal?: AbortSignal): Promise<TaskList> {
  return http.get<TaskList>("/api/v1/sidebar/tasks", { signal });
}

export function getTaskTargets(
  taskId: number,
  status?: TargetStatus,
  signal?: AbortSignal,
): Promise<{ items: TaskTarget[] }> {
  return http.get<{ items: TaskTarget[] }>(`/api/v1/sidebar/tasks/${taskId}/targets`, { query: { status }, signal });
}

/** After WeCom confirmed the send: the target becomes `sent`. */
export function markTargetSent(targetId: number, materialIds: number[]): Promise<void> {
  return http.post<void>(`/api/v1/sidebar/targets/${targetId}/sent`, { materialIds });
}

export function skipTarget(targetId: number, reason: string): Promise<void> {
  return http.post<void>(`/api/v1/sidebar/targets/${targetId}/skip`, { reason });
}

export function searchMaterials(
  query: { q?: string; folderId?: number; page?: number; pageSize?: number },
  signal?: AbortSignal,
): Promise<MaterialSearch> {
  return http.get<MaterialSearch>("/api/v1/sidebar/materials", { query, signal });
}

export function getMaterialFolders(signal?: AbortSignal): Promise<{ items: MaterialFolder[] }> {
  return http.get<{ items: MaterialFolder[] }>("/api/v1/sidebar/materials/folders", { signal });
}

/** A material with its variables filled in for this customer (or for no customer). */
export function renderMaterial(id: number, externalUserid?: string): Promise<{ content: MaterialContent }> {
  return http.get<{ content: MaterialContent }>(`/api/v1/sidebar/materials/${id}/render`, {
    query: { externalUserid },
  });
}

export function getGroup(chatId: string, signal?: AbortSignal): Promise<GroupPage> {
  return http.get<GroupPage>(`/api/v1/sidebar/groups/${enc(chatId)}`, { signal });
}
