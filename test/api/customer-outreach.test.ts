import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Campaign, Target } from "../../server/src/modules/campaigns/campaign.entity.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

describe(`a customer's outreach and spend over time in the profile (${testDialect()})`, () => {
  let server: TestServer;
  let customerId: number;
  let campaignIds: number[];
  beforeAll(async () => {
    server = await startTestServer();
    const g = given(server.ds);
    const store = await g.store({ code: "SH01" });
    const li = await g.staff({ userid: "li", name: "李娜", storeIds: [store.id] });
    const c = await g.customer({ name: "甲" });
    customerId = c.id;
    await g.follow(c.id, li.id);
    const now = new Date();
    const campaign = (name: string, channel: Campaign["channel"]) =>
      server.ds.getRepository(Campaign).save({
        name,
        goal: null,
        status: "running",
        channel,
        materials: [],
        startAt: now,
        deadlineAt: now,
        createdAt: now,
        updatedAt: now,
      } as Partial<Campaign>);
    const a = await campaign("双11 唤醒", "private_chat");
    const b = await campaign("老客回访", "mass_send");
    campaignIds = [a.id, b.id];
    const target = (p: Partial<Target>) =>
      server.ds
        .getRepository(Target)
        .save({ customerId: c.id, isControl: false, revenueCents: 0, createdAt: now, updatedAt: now, ...p });
    await target({
      campaignId: a.id,
      staffId: li.id,
      status: "converted",
      sentAt: new Date("2026-11-01T02:00:00Z"),
      revenueCents: 12_800,
    });
    await target({ campaignId: b.id, status: "control", isControl: true });
    await g.order({ customerId: c.id, amountCents: 12_800, paidAt: new Date("2026-10-31T23:00:00Z") });
    await g.order({
      customerId: c.id,
      amountCents: 5_000,
      refundCents: 1_000,
      paidAt: new Date("2026-11-02T00:00:00Z"),
    });
    await g.order({ customerId: c.id, amountCents: 3_000, paidAt: new Date("2026-11-20T00:00:00Z") });
    await g.order({
      customerId: c.id,
      amountCents: 9_000,
      status: "refunded",
      paidAt: new Date("2026-11-21T00:00:00Z"),
    });
    await g.user({ role: "hq_operator", username: "ops" });
  });
  afterAll(() => server.stop());

  it("lists the campaigns that reached the customer, newest first, control group marked", async () => {
    const http = server.client();
    await http.post("/api/v1/auth/login", { username: "ops", password: "correct-horse-9" });
    const res = await http.get(`/api/v1/customers/${customerId}`);
    expect(res.status).toBe(200);
    expect(res.body.outreach).toEqual([
      expect.objectContaining({
        campaignId: campaignIds[1],
        campaignName: "老客回访",
        channel: "mass_send",
        status: "control",
        isControl: true,
        staffName: null,
        sentAt: null,
      }),
      expect.objectContaining({
        campaignId: campaignIds[0],
        campaignName: "双11 唤醒",
        status: "converted",
        isControl: false,
        staffName: "李娜",
        sentAt: "2026-11-01T02:00:00.000Z",
        revenueCents: 12_800,
      }),
    ]);
  });

  it("gives orders and net spend per month, oldest first", async () => {
    const http = server.client();
    await http.post("/api/v1/auth/login", { username: "ops", password: "correct-horse-9" });
    const res = await http.get(`/api/v1/customers/${customerId}`);
    expect(res.body.monthly).toEqual([
      { month: "2026-10", orders: 1, netCents: 12_800 },
      { month: "2026-11", orders: 2, netCents: 7_000 },
    ]);
  });
});
