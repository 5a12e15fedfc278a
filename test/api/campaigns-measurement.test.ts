import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Campaign, Target } from "../../server/src/modules/campaigns/campaign.entity.ts";
import { compareProportions } from "../../server/src/modules/campaigns/campaign-measurement.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

const START = new Date("2026-11-01T00:00:00Z");
const DEADLINE = new Date("2026-11-08T00:00:00Z");

describe(`campaign measurement against a hand-computed example (${testDialect()})`, () => {
  let s: TestServer;
  let campaignId: number;
  beforeAll(async () => {
    s = await startTestServer();
    const g = given(s.ds);
    const sh = await g.store({ code: "SH01", name: "上海店" });
    const hz = await g.store({ code: "HZ01", name: "杭州店" });
    const li = await g.staff({ userid: "li", name: "李", storeIds: [sh.id] });
    const wang = await g.staff({ userid: "wang", name: "王", storeIds: [hz.id] });
    const now = new Date();
    const campaign = await s.ds.getRepository(Campaign).save({
      name: "测量",
      goal: null,
      status: "running",
      channel: "private_chat",
      segmentId: null,
      audienceRule: { all: [] },
      materials: [],
      scope: null,
      startAt: START,
      deadlineAt: DEADLINE,
      reminders: [24],
      conversionWindowDays: 7,
      holdoutBp: 3333,
      assignmentRule: "first_added",
      seed: 1,
      automationId: null,
      launchReport: null,
      createdBy: null,
      launchedAt: START,
      createdAt: now,
      updatedAt: now,
    });
    campaignId = campaign.id;
    // treated: 100 customers (60 li / variant A, 40 wang / variant B); 30 buyers (A 21, B 9); holdout: 50, 10 buyers
    const rows: Partial<Target>[] = [];
    const buyers: number[] = [];
    for (let i = 0; i < 150; i++) {
      const c = await g.customer();
      const control = i >= 100;
      const staff = i < 60 ? li : wang;
      const variant = control ? null : i < 60 ? "A" : "B";
      const isBuyer = control ? i < 110 : i < 60 ? i < 21 : i < 69;
      const sent = !control && i % 2 === 0;
      const converted = sent && isBuyer;
      rows.push({
        campaignId,
        taskId: null,
        staffId: staff.id,
        customerId: c.id,
        groupId: null,
        isControl: control,
        variant,
        reason: null,
        status: control ? "control" : converted ? "converted" : sent ? "sent" : "pending",
        sentAt: sent ? START : null,
        convertedAt: null,
        conversionOrderId: null,
        revenueCents: converted ? 10_000 : 0,
        createdAt: now,
        updatedAt: now,
      });
      if (isBuyer) buyers.push(c.id);
    }
    await s.ds.getRepository(Target).insert(rows);
    for (const [k, id] of buyers.entries())
      await g.order({ customerId: id, paidAt: new Date(START.getTime() + (k + 1) * 3600_000), amountCents: 10_000 });
    // outside the period: before the start, and one second after deadline + window
    await g.order({ customerId: rows[30]!.customerId!, paidAt: new Date(START.getTime() - 1000) });
    await g.order({ customerId: rows[31]!.customerId!, paidAt: new Date(DEADLINE.getTime() + 7 * 86_400_000 + 1000) });
    await g.user({ username: "ops.user", role: "hq_operator" });
  });
  afterAll(() => s.stop());

  it("computes rates, uplift with its 95 % interval, and the A/B comparison", async () => {
    const http = s.client();
    await http.post("/api/v1/auth/login", { username: "ops.user", password: "correct-horse-9" });
    const m = (await http.get(`/api/v1/campaigns/${campaignId}/measurement`)).body;
    // treated: 100 targets, 50 sent (even i), converted = even buyers: A even i<21 → 11, B even 60..68 → 5
    expect(m.total).toEqual({
      targets: 100,
      sent: 50,
      sendRate: 0.5,
      converted: 16,
      conversionRate: 0.32,
      revenueCents: 160_000,
    });
    expect(
      m.byStore.map((r: { storeName: string; targets: number; converted: number }) => [
        r.storeName,
        r.targets,
        r.converted,
      ]),
    ).toEqual([
      ["上海店", 60, 11],
      ["杭州店", 40, 5],
    ]);
    expect(m.byStaff.map((r: { userid: string; sent: number }) => [r.userid, r.sent])).toEqual([
      ["li", 30],
      ["wang", 20],
    ]);
    // uplift: 30/100 - 10/50 = 0.1; se = sqrt(.3*.7/100 + .2*.8/50) = sqrt(.0053) = 0.072801
    expect(m.uplift.a).toMatchObject({ n: 100, buyers: 30, rate: 0.3 });
    expect(m.uplift.b).toMatchObject({ n: 50, buyers: 10, rate: 0.2 });
    expect(m.uplift.difference).toBeCloseTo(0.1, 12);
    expect(m.uplift.ci95[0]).toBeCloseTo(0.1 - 1.959964 * 0.0728011, 5);
    expect(m.uplift.ci95[1]).toBeCloseTo(0.1 + 1.959964 * 0.0728011, 5);
    // A/B: B (9/40 = .225) against A (21/60 = .35)
    expect(m.variants).toHaveLength(1);
    expect(m.variants[0].a).toMatchObject({ label: "B", n: 40, buyers: 9 });
    expect(m.variants[0].b).toMatchObject({ label: "A", n: 60, buyers: 21 });
    expect(m.variants[0].difference).toBeCloseTo(-0.125, 12);
  });

  it("has no interval without a holdout", () => {
    const c = compareProportions({ label: "a", n: 0, buyers: 0, rate: 0 }, { label: "b", n: 10, buyers: 1, rate: 0.1 });
    expect(Number.isNaN(c.ci95[0])).toBe(true);
  });
});
