import { describe, expect, it } from "vitest";
import type { GroupSopView } from "@/api/group-sops";
import {
  builderOf,
  cronOf,
  emptyForm,
  formErrors,
  formOf,
  payloadOf,
  runTagType,
  scheduleText,
  targetCount,
} from "./data";

describe("group SOP form data", () => {
  it("builds cron from the simple schedule builder", () => {
    expect(cronOf({ mode: "daily", time: "10:00", days: [], cron: "" })).toBe("0 10 * * *");
    expect(cronOf({ mode: "weekly", time: "18:30", days: [5], cron: "" })).toBe("30 18 * * 5");
    expect(cronOf({ mode: "weekly", time: "09:05", days: [5, 1, 3, 1], cron: "" })).toBe("5 9 * * 1,3,5");
    expect(cronOf({ mode: "cron", time: "10:00", days: [], cron: " 0 9 1 * * " })).toBe("0 9 1 * *");
  });

  it("reads cron back into the builder, keeping anything else as raw cron", () => {
    expect(builderOf("0 10 * * *")).toMatchObject({ mode: "daily", time: "10:00" });
    expect(builderOf("30 18 * * 5")).toMatchObject({ mode: "weekly", time: "18:30", days: [5] });
    expect(builderOf("5 9 * * 5,1,3")).toMatchObject({ mode: "weekly", time: "09:05", days: [1, 3, 5] });
    for (const raw of ["0 9 1 * *", "*/5 * * * *", "0 10 * * 1-5", "0 10 * *"])
      expect(builderOf(raw)).toMatchObject({ mode: "cron", cron: raw });
    for (const cron of ["0 10 * * *", "30 18 * * 5", "5 9 * * 1,3,5"]) expect(cronOf(builderOf(cron))).toBe(cron);
  });

  it("describes a schedule for the list", () => {
    const day = (d: number) => ["日", "一", "二", "三", "四", "五", "六"][d]!;
    expect(scheduleText("0 10 * * *", day)).toEqual({ key: "daily", values: { time: "10:00" } });
    expect(scheduleText("0 18 * * 1,5", day)).toEqual({ key: "weekly", values: { time: "18:00", days: "一、五" } });
    expect(scheduleText("0 9 1 * *", day)).toEqual({ key: "cron", values: { cron: "0 9 1 * *" } });
  });

  it("sends only the chosen target kind and round-trips a saved SOP", () => {
    const f = { ...emptyForm(), name: " 每日小贴士 ", materialId: 7, groupIds: [3, 4], staffIds: [9] };
    expect(payloadOf(f)).toEqual({
      name: "每日小贴士",
      materialId: 7,
      targets: { kind: "groups", groupIds: [3, 4] },
      schedule: "0 10 * * *",
      dueHours: 4,
      enabled: true,
      botAutoPost: false,
    });
    expect(payloadOf({ ...f, targetKind: "stores", storeIds: [2] }).targets).toEqual({ kind: "stores", storeIds: [2] });
    const input = payloadOf({ ...f, targetKind: "owners", schedule: builderOf("0 18 * * 5"), botAutoPost: true });
    const view = { ...input, id: 1, material: null, nextRunAt: null, lastRun: null } as unknown as GroupSopView;
    expect(payloadOf(formOf(view))).toEqual(input);
    expect(targetCount(view)).toEqual({ kind: "owners", n: 1 });
  });

  it("puts server errors on the form's fields and colours run statuses", () => {
    expect(
      formErrors([
        { field: "targets.groupIds", reason: "outside your stores: 4" },
        { field: "schedule", reason: "fires more than once an hour" },
        { field: "targets.kind", reason: "second reason is dropped" },
      ]),
    ).toEqual({ targets: "outside your stores: 4", schedule: "fires more than once an hour" });
    expect(runTagType("done")).toBe("success");
    expect(runTagType("failed")).toBe("danger");
    expect(runTagType("missed")).toBe("warning");
  });
});
