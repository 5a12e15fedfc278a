import { http } from "./http";
import type { LifecycleStage, SegmentKey } from "./types";

// The segment rule model of server/src/modules/segments/segment-rule.ts: nested all/any groups of conditions.
export type RangeValue = { min?: number; max?: number };
export type RuleCondition =
  | { field: "segment"; op: "in" | "not_in"; values: SegmentKey[] }
  | { field: "lifecycle"; op: "in" | "not_in"; values: LifecycleStage[] }
  | { field: "score"; dimension: "r" | "f" | "m"; range: RangeValue }
  | { field: "figure"; figure: "recency_days" | "frequency" | "monetary_cents"; range: RangeValue }
  | { field: "tags"; op: "any" | "all" | "none"; tagIds: number[] }
  | { field: "group_member"; op: "in" | "not_in"; groupIds?: number[] }
  | { field: "group_activity"; op: "active_within_days" | "silent_for_days"; days: number }
  | { field: "store"; op: "in" | "not_in"; storeIds: number[] }
  | { field: "owner"; op: "in" | "not_in"; userids: string[] }
  | { field: "follow_date"; from?: string; to?: string }
  | { field: "channel_state"; op: "in" | "prefix"; values: string[] }
  | { field: "not_contacted_days"; days: number }
  | { field: "not_in_campaign"; campaignIds: number[] };
export type RuleField = RuleCondition["field"];
export type Rule = { all: RuleNode[] } | { any: RuleNode[] };
export type RuleNode = RuleCondition | Rule;

export interface SegmentPreview {
  count: number;
  sample: { id: number; name: string; segment: SegmentKey | null; lifecycle: LifecycleStage; owners: string }[];
}

export interface SegmentView {
  id: number;
  name: string;
  description: string | null;
  rule: Rule;
  lastCount: number | null;
  lastCountedAt: string | null;
  updatedAt: string | null;
}

export interface SegmentInput {
  name: string;
  description?: string;
  rule: Rule;
}

export const previewSegment = (rule: Rule, signal?: AbortSignal) =>
  http.post<SegmentPreview>("/api/v1/segments/preview", { rule }, { signal });
export async function listSegments(signal?: AbortSignal): Promise<SegmentView[]> {
  return (await http.get<{ items: SegmentView[] }>("/api/v1/segments", { signal })).items;
}
export const getSegment = (id: number, signal?: AbortSignal) =>
  http.get<SegmentView & { preview: SegmentPreview }>(`/api/v1/segments/${id}`, { signal });
export const createSegment = (input: SegmentInput) => http.post<SegmentView>("/api/v1/segments", input);
export const updateSegment = (id: number, input: SegmentInput) =>
  http.put<SegmentView>(`/api/v1/segments/${id}`, input);
export async function deleteSegment(id: number): Promise<void> {
  await http.delete<void>(`/api/v1/segments/${id}`);
}
