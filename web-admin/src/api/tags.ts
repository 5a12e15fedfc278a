import { http } from "./http";
import type { TagGroupView } from "./types";

export async function listTagGroups(signal?: AbortSignal): Promise<TagGroupView[]> {
  return (await http.get<{ items: TagGroupView[] }>("/api/v1/tag-groups", { signal })).items;
}

/** A manual group; 409 when the name is taken. */
export async function createTagGroup(name: string): Promise<void> {
  await http.post<unknown>("/api/v1/tag-groups", { name });
}

/** A tag in a manual group (name at most 30 characters). */
export async function createTag(groupId: number, name: string): Promise<void> {
  await http.post<unknown>("/api/v1/tags", { groupId, name });
}

/** Manual tags only. */
export async function renameTag(id: number, name: string): Promise<void> {
  await http.patch<unknown>(`/api/v1/tags/${id}`, { name });
}

/** System tags only: whether the engine mirrors the tag into WeCom. */
export async function setTagMirror(id: number, mirrorToWecom: boolean): Promise<void> {
  await http.patch<unknown>(`/api/v1/tags/${id}`, { mirrorToWecom });
}

/** Manual tags only; customers lose the tag, their history keeps it. */
export async function deleteTag(id: number): Promise<void> {
  await http.delete<void>(`/api/v1/tags/${id}`);
}

// Mirrors server/src/modules/tag-mirror/tag-mirror-status.ts.
export type TagMirrorState = "off" | "mirrored" | "pending" | "failed";

export interface TagMirrorView {
  tagId: number;
  state: TagMirrorState;
  wecomTagId: string | null;
  pendingRelations: number;
  failedRelations: number;
  lastMirroredAt: string | null;
  error: string | null;
}

export interface TagMirrorStatus {
  lastRun: { startedAt: string; finishedAt: string; error: string | null } | null;
  tags: TagMirrorView[];
}

/** Each tag's WeCom mirror state as the mirror job last left it (no WeCom call). */
export function getTagMirrorStatus(signal?: AbortSignal): Promise<TagMirrorStatus> {
  return http.get<TagMirrorStatus>("/api/v1/tag-mirror/status", { signal });
}
