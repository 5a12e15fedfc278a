import type { TagSource } from "./tag.entity.ts";

/**
 * The tags the RFM engine owns (rfm.md): their groups, codes, Chinese names and sources. The engine
 * creates any that are missing before it writes customer_tags; nobody edits them by hand.
 */

/** The eight RFM segments in the order of rfm.md's table, which is also their value order (best first). */
export const RFM_SEGMENTS = [
  { key: "important_value", rfm: "HHH", name: "重要价值客户" },
  { key: "important_develop", rfm: "HLH", name: "重要发展客户" },
  { key: "important_keep", rfm: "LHH", name: "重要保持客户" },
  { key: "important_retain", rfm: "LLH", name: "重要挽留客户" },
  { key: "general_value", rfm: "HHL", name: "一般价值客户" },
  { key: "general_develop", rfm: "HLL", name: "一般发展客户" },
  { key: "general_keep", rfm: "LHL", name: "一般保持客户" },
  { key: "general_retain", rfm: "LLL", name: "一般挽留客户" },
] as const;

export type SegmentKey = (typeof RFM_SEGMENTS)[number]["key"];

/** Lifecycle stages in the order rfm.md evaluates them. */
export const LIFECYCLE_STAGES = [
  { key: "prospect", name: "潜在客户" },
  { key: "new", name: "新客" },
  { key: "active", name: "活跃" },
  { key: "silent", name: "沉默" },
  { key: "churned", name: "流失" },
] as const;

export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number]["key"];

export interface SystemTagGroupDef {
  code: "rfm" | "lifecycle" | "group";
  name: string;
  source: TagSource;
  sort: number;
}

export const SYSTEM_TAG_GROUPS: readonly SystemTagGroupDef[] = [
  { code: "rfm", name: "RFM 分层", source: "rfm", sort: 1 },
  { code: "lifecycle", name: "生命周期", source: "lifecycle", sort: 2 },
  { code: "group", name: "客户群", source: "group", sort: 3 },
];

export interface SystemTagDef {
  groupCode: SystemTagGroupDef["code"];
  code: string;
  name: string;
  source: TagSource;
  sort: number;
}

export const segmentTagCode = (segment: string) => `rfm:${segment}`;
export const lifecycleTagCode = (stage: string) => `lifecycle:${stage}`;
/** Prefix of the per-group membership tags `group:<chat_id>`. */
export const GROUP_TAG_PREFIX = "group:";
export const GROUP_ACTIVE_TAG = "group_active";
export const GROUP_SILENT_TAG = "group_silent";
/** Group membership tags are named after the group, cut to WeCom's 30-character tag name limit. */
export const GROUP_TAG_NAME_MAX = 30;

/** Every fixed system tag; the `group:<chat_id>` tags follow the customer groups and are made per group. */
export const SYSTEM_TAGS: readonly SystemTagDef[] = [
  ...RFM_SEGMENTS.map((s, i) => ({
    groupCode: "rfm" as const,
    code: segmentTagCode(s.key),
    name: s.name,
    source: "rfm" as const,
    sort: i + 1,
  })),
  ...LIFECYCLE_STAGES.map((s, i) => ({
    groupCode: "lifecycle" as const,
    code: lifecycleTagCode(s.key),
    name: s.name,
    source: "lifecycle" as const,
    sort: i + 1,
  })),
  { groupCode: "group", code: GROUP_ACTIVE_TAG, name: "群活跃", source: "group", sort: 1 },
  { groupCode: "group", code: GROUP_SILENT_TAG, name: "群沉默", source: "group", sort: 2 },
];
