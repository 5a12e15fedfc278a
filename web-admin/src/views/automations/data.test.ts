import { describe, expect, it } from "vitest";
import type { AutomationView } from "@/api/automations";
import { emptyForm, formErrors, formOf, payloadOf, runFigures } from "./data";

describe("automation form data", () => {
  it("sends only the chosen kind's config, and reminders that fit before the deadline", () => {
    const f = { ...emptyForm("after_added"), name: " 新客 3 天 ", days: 3, deadlineHours: 12, reminders: [24, 2, 6] };
    f.variants = [{ variant: "A", materialId: 9, share: 100 }];
    expect(payloadOf(f)).toEqual({
      name: "新客 3 天",
      kind: "after_added",
      enabled: true,
      config: { days: 3 },
      template: {
        channel: "private_chat",
        materials: [{ variant: "A", materialId: 9, share: 100 }],
        scope: {},
        deadlineHours: 12,
        reminders: [6, 2],
        conversionWindowDays: 7,
        holdoutPercent: 0,
        assignmentRule: "first_added",
      },
    });
    expect(payloadOf({ ...emptyForm("rfm_downgrade"), anyDowngrade: false }).config).toEqual({
      pairs: [{ from: "important_value", to: "important_retain" }],
    });
    expect(payloadOf({ ...emptyForm("segment_schedule"), segmentId: 4 }).config).toEqual({
      segmentId: 4,
      schedule: "0 10 * * 1",
    });
  });

  it("reads a saved automation back (round trip)", () => {
    const input = payloadOf({ ...emptyForm("rfm_downgrade"), name: "降级挽回", storeIds: [2] });
    const view = { ...input, id: 1, lastRuns: [] } as unknown as AutomationView;
    expect(payloadOf(formOf(view))).toEqual(input);
  });

  it("puts server errors on the form's fields", () => {
    expect(
      formErrors([
        { field: "template.materials.0.materialId", reason: "no such material" },
        { field: "config.schedule", reason: "not a cron" },
        { field: "name", reason: "is required" },
      ]),
    ).toEqual({ materials: "no such material", schedule: "not a cron", name: "is required" });
  });

  it("sums what a run left out", () => {
    const run = {
      id: 1,
      status: "done" as const,
      startedAt: "",
      finishedAt: null,
      customers: 5,
      campaignId: 3,
      error: null,
      repeats: 0,
      summary: {
        audience: 5,
        excluded: { deleted_all_staff: 1, do_not_disturb: 0, frequency_cap: 1, mass_send_same_day: 0 },
        unassignable: 1,
        control: 0,
        targets: 2,
        tasks: 1,
      },
    };
    expect(runFigures(run)).toEqual({ customers: 5, targets: 2, excluded: 3 });
    expect(runFigures({ ...run, summary: null })).toEqual({ customers: 5, targets: null, excluded: null });
  });
});
