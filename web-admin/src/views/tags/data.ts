import type { TagGroupView, TagSource, TagView } from "@/api/types";

/** WeCom's limit on a tag's name, which the server enforces too. */
export const TAG_NAME_MAX = 30;

/** Why a tag or group name is refused (an i18n key under "tags"), or null when it is fine. */
export function tagNameProblem(name: string): "nameRequired" | "nameTooLong" | null {
  const trimmed = name.trim();
  if (!trimmed) return "nameRequired";
  return [...trimmed].length > TAG_NAME_MAX ? "nameTooLong" : null;
}

/** What a person may do with a tag; `canWrite` is an HQ role. */
export function tagActions(tag: TagView, canWrite: boolean): { edit: boolean; mirror: boolean } {
  return { edit: canWrite && tag.source === "manual", mirror: tag.isSystem };
}

/** Only manual groups take new tags by hand. */
export function isManualGroup(group: TagGroupView): boolean {
  return group.source === "manual";
}

/** Element Plus tag colour of a source badge. */
export const SOURCE_TYPES: Record<TagSource, "primary" | "success" | "warning" | "info" | "danger"> = {
  rfm: "danger",
  lifecycle: "warning",
  group: "success",
  rule: "info",
  manual: "primary",
  wecom: "success",
};
