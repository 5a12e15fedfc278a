import type { TargetStatus, TaskList, TaskView } from "@/api/types";

/** The filter tabs of a task's target list; "all" sends no status. */
export const STATUS_FILTERS = ["all", "pending", "sent", "skipped", "failed", "converted"] as const;
export type StatusFilter = (typeof STATUS_FILTERS)[number];

export function statusQuery(filter: StatusFilter): TargetStatus | undefined {
  return filter === "all" ? undefined : filter;
}

/** The task among the open and finished ones, or null when it is not this guide's. */
export function findTask(list: TaskList | null, id: number): TaskView | null {
  if (!list) return null;
  return [...list.open, ...list.done].find((t) => t.id === id) ?? null;
}
