import { describe, expect, it } from "vitest";
import type { TaskView } from "@/api/types";
import { findTask, statusQuery } from "../task/data";
import { isOverdue, progressPercent, sortOpenTasks } from "./data";

const now = Date.parse("2026-11-24T12:00:00Z");
const task = (id: number, status: string, dueAt: string | null, done = 0, total = 4): TaskView => ({
  id,
  status,
  dueAt,
  total,
  pending: total - done,
  done,
  campaign: { id: 1, name: `c${id}`, channel: "private_chat", goal: null },
});

describe("tasks data", () => {
  it("puts overdue tasks first, then by due time, those without one last", () => {
    const tasks = [
      task(1, "open", null),
      task(2, "open", "2026-11-26T00:00:00Z"),
      task(3, "overdue", "2026-11-25T00:00:00Z"),
      task(4, "open", "2026-11-25T00:00:00Z"),
      task(5, "open", "2026-11-20T00:00:00Z"), // past its due time: overdue although not yet marked
    ];
    expect(sortOpenTasks(tasks, now).map((t) => t.id)).toEqual([5, 3, 4, 2, 1]);
    expect(isOverdue(task(6, "done", "2026-11-20T00:00:00Z"), now)).toBe(false);
  });

  it("shows progress in whole percent", () => {
    expect(progressPercent({ done: 1, total: 3 })).toBe(33);
    expect(progressPercent({ done: 0, total: 0 })).toBe(0);
  });

  it("filters a task's targets by status and finds the task among open and done ones", () => {
    expect(statusQuery("all")).toBeUndefined();
    expect(statusQuery("skipped")).toBe("skipped");
    const list = { open: [task(1, "open", null)], done: [task(2, "done", null)] };
    expect(findTask(list, 2)?.id).toBe(2);
    expect(findTask(list, 3)).toBeNull();
    expect(findTask(null, 1)).toBeNull();
  });
});
