import { describe, expect, it } from "vitest";
import type { CampaignMeasurement, CampaignView, Comparison } from "@/api/campaigns";
import { newCondition } from "@/views/segments/data";
import {
  actionsFor,
  addVariant,
  canManage,
  buildPayload,
  defaultWizard,
  evenShares,
  formatComparison,
  funnel,
  percent,
  points,
  progressOf,
  removeVariant,
  stepOfField,
  stepProblems,
  wizardOf,
} from "./data";

const now = new Date("2026-11-24T10:02:00.000Z");

describe("campaign wizard data", () => {
  it("starts at the next five minutes with a three-day deadline", () => {
    const f = defaultWizard(now);
    expect(f.startAt.toISOString()).toBe("2026-11-24T10:05:00.000Z");
    expect(f.deadlineAt.toISOString()).toBe("2026-11-27T10:05:00.000Z");
  });

  it("builds the POST /campaigns body from a saved segment", () => {
    const f = { ...defaultWizard(now), name: " 双11 ", goal: "", segmentId: 4, storeIds: [2], reminders: [2, 24] };
    f.variants = [
      { variant: "A", materialId: 7, share: 60 },
      { variant: "B", materialId: 8, share: 40 },
    ];
    expect(buildPayload(f)).toEqual({
      name: "双11",
      audience: { segmentId: 4 },
      channel: "private_chat",
      materials: [
        { variant: "A", materialId: 7, share: 60 },
        { variant: "B", materialId: 8, share: 40 },
      ],
      scope: { storeIds: [2] },
      startAt: "2026-11-24T10:05:00.000Z",
      deadlineAt: "2026-11-27T10:05:00.000Z",
      reminders: [24, 2],
      conversionWindowDays: 7,
      holdoutPercent: 0,
      assignmentRule: "first_added",
    });
  });

  it("sends an inline rule as the audience, and no holdout for group posts", () => {
    const f = {
      ...defaultWizard(now),
      audienceMode: "rule" as const,
      channel: "group_post" as const,
      holdoutPercent: 10,
    };
    f.rule.children = [Object.assign(newCondition("lifecycle"), { values: ["silent"] })];
    const body = buildPayload(f);
    expect(body.audience).toEqual({ rule: { all: [{ field: "lifecycle", op: "in", values: ["silent"] }] } });
    expect(body.holdoutPercent).toBe(0);
  });

  it("sends an uploaded list as the audience, and asks for one before moving on", () => {
    const f = { ...defaultWizard(now), audienceMode: "list" as const };
    expect(stepProblems("audience", f)).toEqual(["listRequired"]);
    expect(buildPayload({ ...f, listId: 5 }).audience).toEqual({ listId: 5 });
  });

  it("reads a saved draft back into the wizard (round trip)", () => {
    const f = { ...defaultWizard(now), name: "草稿", goal: "复购", audienceMode: "rule" as const, staffIds: [3] };
    f.rule.children = [Object.assign(newCondition("tags"), { op: "none", ids: [9] })];
    f.variants = [{ variant: "A", materialId: 7, share: 100 }];
    const input = buildPayload(f);
    const view = { ...input, id: 1, goal: input.goal ?? null, status: "draft" as const } as unknown as CampaignView;
    expect(buildPayload(wizardOf(view))).toEqual(input);
  });

  it("splits variants evenly and keeps shares at 100", () => {
    expect(evenShares(3)).toEqual([34, 33, 33]);
    const three = addVariant(addVariant([{ variant: "A", materialId: 1, share: 100 }]));
    expect(three.map((v) => [v.variant, v.share])).toEqual([
      ["A", 34],
      ["B", 33],
      ["C", 33],
    ]);
    expect(removeVariant(three, 1).map((v) => [v.variant, v.share])).toEqual([
      ["A", 50],
      ["C", 50],
    ]);
  });

  it("checks each step and sends server errors back to their step", () => {
    const f = defaultWizard(now);
    expect(stepProblems("goal", f)).toEqual(["nameRequired"]);
    expect(stepProblems("audience", f)).toEqual(["segmentRequired"]);
    expect(stepProblems("channel", { ...f, variants: [{ variant: "A", materialId: 3, share: 90 }] })).toEqual([
      "sharesTotal",
    ]);
    expect(stepProblems("schedule", { ...f, deadlineAt: f.startAt })).toEqual(["deadlineAfterStart"]);
    expect(stepOfField("audience.rule.all.0.values")).toBe("audience");
    expect(stepOfField("materials.1.materialId")).toBe("channel");
    expect(stepOfField("scope.storeIds")).toBe("schedule");
    expect(stepOfField("name")).toBe("goal");
  });
});

describe("campaign page data", () => {
  const rates = { targets: 200, sent: 150, sendRate: 0.75, converted: 30, conversionRate: 0.2, revenueCents: 0 };
  const m: CampaignMeasurement = {
    campaignId: 1,
    period: { from: "", to: "" },
    total: rates,
    byStore: [],
    byStaff: [],
    uplift: null,
    variants: [],
  };

  it("shows the funnel targets → sent → converted with step rates", () => {
    expect(funnel(m)).toEqual([
      { key: "targets", count: 200, rate: 1 },
      { key: "sent", count: 150, rate: 0.75 },
      { key: "converted", count: 30, rate: 0.2 },
    ]);
    expect(funnel({ ...m, total: { ...rates, targets: 0, sent: 0, converted: 0 } })[1]!.rate).toBe(0);
  });

  it("formats uplift in percentage points with its 95% interval", () => {
    const c: Comparison = {
      a: { label: "treated", n: 900, buyers: 90, rate: 0.1 },
      b: { label: "holdout", n: 100, buyers: 5, rate: 0.05 },
      difference: 0.05,
      ci95: [0.0031, 0.0969],
    };
    expect(formatComparison(c)).toEqual({ difference: "+5.0 pp", interval: "[+0.3 pp, +9.7 pp]", significant: true });
    expect(formatComparison({ ...c, ci95: [-0.012, 0.112] }).significant).toBe(false);
    // an empty side: the server's NaN bounds arrive as null
    expect(formatComparison({ ...c, ci95: [null, null] })).toMatchObject({ interval: "—", significant: false });
    expect(points(-0.004)).toBe("−0.4 pp");
    expect(percent(0.1234)).toBe("12.3%");
    expect(percent(null)).toBe("—");
  });

  it("offers the actions each status allows", () => {
    expect(actionsFor("draft")).toEqual(["launch", "cancel", "copy"]);
    expect(actionsFor("running")).toEqual(["remind", "pause", "cancel", "copy"]);
    expect(actionsFor("paused")).toEqual(["resume", "cancel", "copy"]);
    expect(actionsFor("cancelled")).toEqual(["copy"]);
  });

  it("counts progress over treated targets, not the holdout", () => {
    const targets = { total: 12, pending: 5, sent: 3, skipped: 1, failed: 0, converted: 1, control: 2 };
    expect(progressOf({ targets })).toBe(0.5);
  });

  it("hides actions a store manager may not take, as the server refuses them", () => {
    const hq = { role: "hq_operator" as const };
    const manager = { role: "store_manager" as const, storeIds: [1, 2] };
    expect(canManage({}, hq, [])).toBe(true);
    expect(canManage({}, manager, [])).toBe(false); // the whole corp
    expect(canManage({ storeIds: [1] }, manager, [])).toBe(true);
    expect(canManage({ storeIds: [1, 3] }, manager, [])).toBe(false);
    expect(canManage({ staffIds: [7, 8] }, manager, [7, 8, 9])).toBe(true);
    expect(canManage({ staffIds: [7, 10] }, manager, [7, 8, 9])).toBe(false);
    expect(canManage({ storeIds: [1] }, null, [])).toBe(false);
  });
});
