import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { Campaign, Target, Task } from "../../server/src/modules/campaigns/campaign.entity.ts";
import { CustomerGroup, GroupActivityDaily } from "../../server/src/modules/groups/group.entity.ts";
import { CustomerRfm } from "../../server/src/modules/rfm/rfm.entity.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

const at = (iso: string) => new Date(iso);
const PERIOD = "from=2026-11-01&to=2026-11-07"; // previous: 2026-10-25 .. 2026-10-31 (China days)

/**
 * Two stores (li in SH, wang in HZ), customers added before and inside the period, orders on both
 * sides of a day boundary in China time, two campaigns' tasks and targets, and group activity
 * from the bot and from WeCom. Every expected figure below is counted by hand from these rows.
 */
async function corp(ds: DataSource) {
  const g = given(ds);
  const sh = await g.store({ code: "SH01", name: "上海店" });
  const hz = await g.store({ code: "HZ01", name: "杭州店" });
  const li = await g.staff({ userid: "li", name: "李导购", storeIds: [sh.id] });
  const wang = await g.staff({ userid: "wang", name: "王导购", storeIds: [hz.id] });
  const c1 = await g.customer({ name: "甲" });
  const c2 = await g.customer({ name: "乙" });
  const c3 = await g.customer({ name: "丙" });
  const c4 = await g.customer({ name: "丁", createdAt: at("2026-11-03T00:00:00Z") }); // imported, no relation
  await g.follow(c1.id, li.id, { addedAt: at("2026-10-20T00:00:00Z") });
  await g.follow(c2.id, li.id, { addedAt: at("2026-11-02T02:00:00Z") });
  await g.follow(c2.id, wang.id, { addedAt: at("2026-10-28T00:00:00Z") }); // first seen in the previous period
  await g.follow(c3.id, wang.id, { addedAt: at("2026-11-05T00:00:00Z") });

  await g.order({ customerId: c1.id, storeId: sh.id, amountCents: 10_000, paidAt: at("2026-11-03T02:00:00Z") });
  // 23:30 on Nov 6 in China: inside
  const net4000 = { amountCents: 5_000, refundCents: 1_000, paidAt: at("2026-11-06T15:30:00Z") };
  await g.order({ customerId: c2.id, storeId: hz.id, ...net4000 });
  await g.order({ customerId: c2.id, storeId: hz.id, amountCents: 3_000, paidAt: at("2026-10-30T00:00:00Z") });
  // 00:30 on Nov 8 in China: after the period
  await g.order({ customerId: c3.id, storeId: hz.id, amountCents: 7_000, paidAt: at("2026-11-07T16:30:00Z") });
  await g.order({ customerId: c3.id, storeId: hz.id, status: "refunded", paidAt: at("2026-11-02T00:00:00Z") });
  // fully refunded but still paid: an order with no revenue and no active customer
  const net0 = { amountCents: 2_000, refundCents: 2_000, paidAt: at("2026-11-04T00:00:00Z") };
  await g.order({ customerId: c1.id, storeId: sh.id, ...net0 });

  const rfm = (customerId: number, lifecycle: string, segment: string | null) =>
    ds.getRepository(CustomerRfm).insert({ customerId, computationId: 1, lifecycle, segment, updatedAt: new Date() });
  await rfm(c1.id, "active", "important_value");
  await rfm(c2.id, "new", "general_develop");
  await rfm(c3.id, "churned", "general_retain");
  await rfm(c4.id, "prospect", null);

  const now = new Date();
  const campaign = (name: string) =>
    ds.getRepository(Campaign).save({
      name,
      goal: null,
      status: "running",
      channel: "private_chat",
      materials: [],
      startAt: at("2026-11-01T00:00:00Z"),
      deadlineAt: at("2026-11-10T00:00:00Z"),
      createdAt: now,
      updatedAt: now,
    } as Partial<Campaign>);
  const task = (campaignId: number, staffId: number, dueAt: string, total: number, pending: number) =>
    ds.getRepository(Task).save({
      campaignId,
      staffId,
      status: pending ? "open" : "done",
      dueAt: at(dueAt),
      targetsTotal: total,
      targetsPending: pending,
      createdAt: now,
      updatedAt: now,
    } as Partial<Task>);
  const target = (p: Partial<Target>) =>
    ds.getRepository(Target).save({
      isControl: false,
      revenueCents: 0,
      createdAt: at("2026-11-01T02:00:00Z"), // assigned in the period
      updatedAt: now,
      ...p,
    });
  const a = await campaign("A");
  const b = await campaign("B");
  const k1 = await task(a.id, li.id, "2026-11-03T10:00:00Z", 3, 1); // due Nov 3
  const k2 = await task(b.id, wang.id, "2026-11-05T17:00:00Z", 2, 0); // 01:00 on Nov 6 in China
  const sentOn = (iso: string) => ({ sentAt: at(iso) });
  const base = { campaignId: a.id, taskId: k1.id, staffId: li.id };
  await target({ ...base, customerId: c1.id, status: "sent", ...sentOn("2026-11-02T01:00:00Z") }); // Nov 2
  await target({ ...base, customerId: c2.id, status: "converted", ...sentOn("2026-11-02T17:00:00Z") }); // Nov 3
  await target({ ...base, customerId: c4.id, status: "pending" });
  await target({
    campaignId: b.id,
    taskId: k2.id,
    staffId: wang.id,
    customerId: c2.id,
    status: "converted",
    ...sentOn("2026-11-05T02:00:00Z"),
  });
  await target({ campaignId: b.id, taskId: k2.id, staffId: wang.id, customerId: c3.id, status: "skipped" });
  await target({ campaignId: b.id, customerId: c1.id, status: "control", isControl: true });
  // assigned before the period: in no ranking
  const before = at("2026-10-20T00:00:00Z");
  await target({ campaignId: b.id, staffId: li.id, customerId: c4.id, status: "sent", createdAt: before });

  const group = (chatId: string, ownerStaffId: number, ownerUserid: string) =>
    ds.getRepository(CustomerGroup).save({
      chatId,
      ownerStaffId,
      ownerUserid,
      notice: null,
      createdAt: now,
      updatedAt: now,
    } as Partial<CustomerGroup>);
  const g1 = await group("wr-1", li.id, "li");
  const g2 = await group("wr-2", wang.id, "wang");
  const day = (groupId: number, d: string, source: "bot" | "wecom", messages: number, activeMembers: number) =>
    ds.getRepository(GroupActivityDaily).insert({ groupId, day: d, source, messages, activeMembers, updatedAt: now });
  await day(g1.id, "2026-11-02", "bot", 10, 3);
  await day(g2.id, "2026-11-02", "bot", 5, 2);
  await day(g2.id, "2026-11-02", "wecom", 7, 4);
  await day(g1.id, "2026-10-31", "bot", 100, 9); // before the period
  await day(g2.id, "2026-11-07", "bot", 1, 1);

  await g.user({ role: "hq_operator", username: "ops" });
  await g.user({ role: "store_manager", username: "mgr.hz", storeCodes: ["HZ01"] });
  return { li, wang };
}

const zeros = (days: string[], except: Record<string, object>) =>
  days.map((day) => ({ day, targets: 0, completed: 0, sent: 0, converted: 0, ...except[day] }));
const WEEK = ["01", "02", "03", "04", "05", "06", "07"].map((d) => `2026-11-${d}`);
const series = (values: Record<string, [number, number]>) =>
  WEEK.map((day) => ({ day, messages: values[day]?.[0] ?? 0, activeMembers: values[day]?.[1] ?? 0 }));

describe(`dashboard overview over HTTP (${testDialect()})`, () => {
  let server: TestServer;
  let ids: Awaited<ReturnType<typeof corp>>;
  beforeAll(async () => {
    server = await startTestServer({ clock: fixedClock(at("2026-11-07T04:00:00Z")) });
    ids = await corp(server.ds);
  });
  afterAll(() => server.stop());

  const signIn = async (username: string) => {
    const http = server.client();
    expect((await http.post("/api/v1/auth/login", { username, password: "correct-horse-9" })).status).toBe(200);
    return http;
  };

  it("gives HQ the period's figures against the previous period", async () => {
    const res = await (await signIn("ops")).get(`/api/v1/dashboard/overview?${PERIOD}`);
    expect(res.status).toBe(200);
    expect(res.body.period).toEqual({ from: "2026-11-01", to: "2026-11-07", days: 7 });
    expect(res.body.previous).toEqual({ from: "2026-10-25", to: "2026-10-31", days: 7 });
    expect(res.body.kpis).toEqual({
      customers: { value: 4, previous: 2 },
      newCustomers: { value: 2, previous: 1 },
      activeCustomers: { value: 2, previous: 1 },
      orders: { value: 3, previous: 1 },
      revenueCents: { value: 14_000, previous: 3_000 },
    });
    expect(res.body.lifecycle).toEqual([
      { stage: "prospect", count: 1 },
      { stage: "new", count: 1 },
      { stage: "active", count: 1 },
      { stage: "silent", count: 0 },
      { stage: "churned", count: 1 },
    ]);
    expect(res.body.segments.filter((s: { count: number }) => s.count)).toEqual([
      { key: "important_value", count: 1 },
      { key: "general_develop", count: 1 },
      { key: "general_retain", count: 1 },
    ]);
  });

  it("trends task completion by due day and conversion by send day, in China days", async () => {
    const res = await (await signIn("ops")).get(`/api/v1/dashboard/overview?${PERIOD}`);
    expect(res.body.taskTrend).toEqual(
      zeros(WEEK, {
        "2026-11-02": { sent: 1 },
        "2026-11-03": { targets: 3, completed: 2, sent: 1, converted: 1 },
        "2026-11-05": { sent: 1, converted: 1 },
        "2026-11-06": { targets: 2, completed: 2 },
      }),
    );
    expect(res.body.groupActivity).toEqual([
      { source: "bot", days: series({ "2026-11-02": [15, 5], "2026-11-07": [1, 1] }) },
      { source: "wecom", days: series({ "2026-11-02": [7, 4] }) },
    ]);
  });

  it("ranks staff by completion and by conversion", async () => {
    const res = await (await signIn("ops")).get(`/api/v1/dashboard/overview?${PERIOD}`);
    const li = { staffId: ids.li.id, userid: "li", name: "李导购", targets: 3, sent: 2, converted: 1 };
    const wang = { staffId: ids.wang.id, userid: "wang", name: "王导购", targets: 2, sent: 1, converted: 1 };
    const liRates = { ...li, completionRate: 0.6667, conversionRate: 0.5 };
    const wangRates = { ...wang, completionRate: 0.5, conversionRate: 1 };
    expect(res.body.staff).toEqual({
      byCompletion: { top: [liRates, wangRates], bottom: [] },
      byConversion: { top: [wangRates, liRates], bottom: [] },
    });
  });

  it("shows a store manager only their store", async () => {
    const res = await (await signIn("mgr.hz")).get(`/api/v1/dashboard/overview?${PERIOD}`);
    expect(res.body.kpis).toEqual({
      customers: { value: 2, previous: 1 },
      newCustomers: { value: 1, previous: 1 },
      activeCustomers: { value: 1, previous: 1 },
      orders: { value: 1, previous: 1 },
      revenueCents: { value: 4_000, previous: 3_000 },
    });
    expect(res.body.lifecycle.map((l: { count: number }) => l.count)).toEqual([0, 1, 0, 0, 1]);
    expect(res.body.taskTrend).toEqual(
      zeros(WEEK, { "2026-11-05": { sent: 1, converted: 1 }, "2026-11-06": { targets: 2, completed: 2 } }),
    );
    expect(res.body.groupActivity).toEqual([
      { source: "bot", days: series({ "2026-11-02": [5, 2], "2026-11-07": [1, 1] }) },
      { source: "wecom", days: series({ "2026-11-02": [7, 4] }) },
    ]);
    expect(res.body.staff.byCompletion.top.map((s: { userid: string }) => s.userid)).toEqual(["wang"]);
  });

  it("links each customer figure to a customer list of exactly that many", async () => {
    for (const username of ["ops", "mgr.hz"]) {
      const http = await signIn(username);
      const { kpis } = (await http.get(`/api/v1/dashboard/overview?${PERIOD}`)).body;
      const total = async (query: string) => {
        const res = await http.get(`/api/v1/customers?${query}`);
        expect(res.status, query).toBe(200);
        return res.body.total;
      };
      expect(await total("addedTo=2026-11-07"), username).toBe(kpis.customers.value);
      expect(await total("addedTo=2026-10-31"), username).toBe(kpis.customers.previous);
      expect(await total("addedFrom=2026-11-01&addedTo=2026-11-07"), username).toBe(kpis.newCustomers.value);
      expect(await total("boughtFrom=2026-11-01&boughtTo=2026-11-07"), username).toBe(kpis.activeCustomers.value);
      expect(await total("boughtFrom=2026-10-25&boughtTo=2026-10-31"), username).toBe(kpis.activeCustomers.previous);
    }
    const bad = await (await signIn("ops")).get("/api/v1/customers?addedFrom=2026-11-08&addedTo=2026-11-01");
    expect(bad.body.error.details.fields).toEqual([{ field: "addedFrom", reason: "must not exceed addedTo" }]);
  });

  it("defaults to the 30 days ending today and validates the period", async () => {
    const http = await signIn("ops");
    const res = await http.get("/api/v1/dashboard/overview");
    expect(res.body.period).toEqual({ from: "2026-10-09", to: "2026-11-07", days: 30 });
    expect(res.body.taskTrend).toHaveLength(30);
    const bad = await http.get("/api/v1/dashboard/overview?from=2026-11-08&to=2026-11-01");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([{ field: "from", reason: "must not be after to" }]);
    const notADay = await http.get("/api/v1/dashboard/overview?from=2026-02-30&to=2026-03-01");
    expect(notADay.body.error.details.fields[0]).toEqual({ field: "from", reason: "is not a real date" });
    expect((await http.get("/api/v1/dashboard/overview?from=2025-01-01&to=2026-11-01")).status).toBe(400);
    expect((await server.client().get("/api/v1/dashboard/overview")).status).toBe(401);
  });
});
