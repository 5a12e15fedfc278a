import type { TaskView } from "@/api/types";

/** Overdue: so marked by the server, or past its due time while still open. */
export function isOverdue(task: TaskView, now: number = Date.now()): boolean {
  if (task.status === "done") return false;
  return task.status === "overdue" || (task.dueAt !== null && new Date(task.dueAt).getTime() < now);
}

/** Open tasks, overdue first, then by due time (none last), then by id. */
export function sortOpenTasks(tasks: TaskView[], now: number = Date.now()): TaskView[] {
  const due = (t: TaskView) => (t.dueAt ? new Date(t.dueAt).getTime() : Number.POSITIVE_INFINITY);
  return [...tasks].sort(
    (a, b) => Number(isOverdue(b, now)) - Number(isOverdue(a, now)) || due(a) - due(b) || a.id - b.id,
  );
}

/** Whole percent done, 0 for a task without targets. */
export function progressPercent(task: Pick<TaskView, "done" | "total">): number {
  return task.total === 0 ? 0 : Math.round((task.done / task.total) * 100);
}
