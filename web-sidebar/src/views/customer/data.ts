import { computed } from "vue";
import { ApiError } from "@/api/http";
import type { CustomerPage, CustomerRfm, CustomerTagView, ManualTagGroups, Segment } from "@/api/types";
import { getCustomer } from "@/api/work";
import { useAsyncData } from "@/composables/useAsyncData";

export type Level = "high" | "low";

/** High/low per dimension, in R F M order, as each segment is defined (rfm.md). */
export const SEGMENT_LEVELS: Record<Segment, [Level, Level, Level]> = {
  important_value: ["high", "high", "high"],
  important_develop: ["high", "low", "high"],
  important_keep: ["low", "high", "high"],
  important_retain: ["low", "low", "high"],
  general_value: ["high", "high", "low"],
  general_develop: ["high", "low", "low"],
  general_keep: ["low", "high", "low"],
  general_retain: ["low", "low", "low"],
};

export interface RfmRow {
  key: "r" | "f" | "m";
  score: number | null;
  level: Level | null;
}

/** The three score rows of the RFM card; no scores for a prospect. */
export function rfmRows(rfm: CustomerRfm): RfmRow[] {
  const levels = rfm.segment ? SEGMENT_LEVELS[rfm.segment] : null;
  return [
    { key: "r", score: rfm.rScore, level: levels?.[0] ?? null },
    { key: "f", score: rfm.fScore, level: levels?.[1] ?? null },
    { key: "m", score: rfm.mScore, level: levels?.[2] ?? null },
  ];
}

/** Badge colour: important segments stand out, general ones are quieter. */
export function segmentTone(segment: Segment | null): "danger" | "primary" | "default" {
  if (!segment) return "default";
  return segment.startsWith("important_") ? "danger" : "primary";
}

/** Manual tags the guide may edit, and the engine's tags they may only read. */
export function splitTags(tags: CustomerTagView[]): { manual: CustomerTagView[]; system: CustomerTagView[] } {
  return { manual: tags.filter((t) => t.editable), system: tags.filter((t) => !t.editable) };
}

/** Manual tags not yet on the customer, labelled with their group, for the add-tag sheet. */
export function addableTags(groups: ManualTagGroups["groups"], current: CustomerTagView[]) {
  const have = new Set(current.map((t) => t.id));
  return groups.flatMap((g) => g.tags.filter((t) => !have.has(t.id)).map((t) => ({ ...t, group: g.name })));
}

/** The customer page's data; `notFound` when the server says this is not one of the guide's customers. */
export function useCustomerPage(externalUserid: () => string) {
  const state = useAsyncData<CustomerPage>((signal) => getCustomer(externalUserid(), signal));
  const notFound = computed(() => state.error.value instanceof ApiError && state.error.value.status === 404);
  return { ...state, notFound };
}
