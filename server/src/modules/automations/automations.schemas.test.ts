import { describe, expect, it } from "vitest";
import { nextSlot, scheduleProblem } from "./automation-schedule.ts";
import { automationInputSchema, isDowngrade, SEGMENT_VALUE_ORDER, templateSchema } from "./automations.schemas.ts";
import { SEGMENT_KEYS } from "../customers/customers.schemas.ts";

const materials = [{ variant: "A", materialId: 1, share: 100 }];
const fields = (r: { success: boolean; error?: { issues: { path: PropertyKey[] }[] } }) =>
  (r.error?.issues ?? []).map((i) => i.path.join(".")).sort();

describe("automation template", () => {
  it("is a campaign without name, audience and dates, with the campaign defaults and a deadline in hours", () => {
    expect(templateSchema.parse({ channel: "private_chat", materials })).toEqual({
      channel: "private_chat",
      materials,
      scope: {},
      reminders: [24, 2],
      conversionWindowDays: 7,
      holdoutPercent: 0,
      assignmentRule: "first_added",
      deadlineHours: 72,
    });
  });

  it("keeps only the default reminders that fit before the deadline, and refuses given ones that do not", () => {
    expect(templateSchema.parse({ channel: "mass_send", materials, deadlineHours: 12 }).reminders).toEqual([2]);
    const r = templateSchema.safeParse({ channel: "mass_send", materials, deadlineHours: 12, reminders: [2, 12] });
    expect(fields(r)).toEqual(["reminders.1"]);
  });

  it("uses the campaign rules for variants and holdout, and only the channels that reach single customers", () => {
    const r = templateSchema.safeParse({
      channel: "moments",
      materials: [
        { variant: "A", materialId: 1, share: 50 },
        { variant: "A", materialId: 2, share: 30 },
      ],
      holdoutPercent: 60,
      deadlineHours: 0,
    });
    expect(fields(r)).toEqual(["channel", "deadlineHours", "holdoutPercent", "materials", "materials.1.variant"]);
  });
});

describe("automation input", () => {
  const template = { channel: "private_chat", materials };

  it("checks each kind's configuration", () => {
    const ok = automationInputSchema.parse({
      name: "每周新会员",
      kind: "segment_schedule",
      config: { segmentId: 3, schedule: "0 9 * * 1" },
      template,
    });
    expect(ok).toMatchObject({ enabled: true, config: { segmentId: 3, schedule: "0 9 * * 1" } });
    const bad = automationInputSchema.safeParse({
      name: "x",
      kind: "after_added",
      config: { days: 0, segmentId: 1 },
      template,
    });
    expect(fields(bad)).toEqual(["config", "config.days"]);
    expect(
      fields(automationInputSchema.safeParse({ name: "x", kind: "after_added", config: { days: 0 }, template })),
    ).toEqual(["config.days"]);
  });

  it("takes downgrades as any, or as pairs that really go down", () => {
    const parse = (config: unknown) =>
      automationInputSchema.safeParse({ name: "挽回", kind: "rfm_downgrade", config, template });
    expect(parse({ anyDowngrade: true }).success).toBe(true);
    expect(parse({ pairs: [{ from: "important_value", to: "important_retain" }] }).success).toBe(true);
    expect(fields(parse({ pairs: [{ from: "general_retain", to: "general_value" }] }))).toEqual(["config.pairs.0.to"]);
    expect(parse({}).success).toBe(false);
    expect(parse({ anyDowngrade: false }).success).toBe(false);
  });

  it("orders segments by value as rfm.md does", () => {
    expect([...SEGMENT_VALUE_ORDER]).toEqual([...SEGMENT_KEYS]);
    expect(isDowngrade("important_value", "important_retain")).toBe(true);
    expect(isDowngrade("important_retain", "general_value")).toBe(true);
    expect(isDowngrade("general_value", "important_retain")).toBe(false);
    expect(isDowngrade("important_value", "important_value")).toBe(false);
    expect(isDowngrade("unknown", "general_retain")).toBe(false);
  });
});

describe("automation schedule", () => {
  it("takes five-field cron expressions read in Asia/Shanghai", () => {
    expect(scheduleProblem("0 9 * * 1")).toBeNull();
    expect(scheduleProblem("0 0 9 * * 1")).toMatch(/five fields/);
    expect(scheduleProblem("61 9 * * *")).toMatch(/not a valid cron/);
    // Monday 2026-06-01 08:30 in Shanghai → 09:00 the same day; a slot is never its own next
    expect(nextSlot("0 9 * * 1", new Date("2026-06-01T00:30:00Z"))?.toISOString()).toBe("2026-06-01T01:00:00.000Z");
    expect(nextSlot("0 9 * * 1", new Date("2026-06-01T01:00:00Z"))?.toISOString()).toBe("2026-06-08T01:00:00.000Z");
  });
});
