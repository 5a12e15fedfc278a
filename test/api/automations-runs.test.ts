import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { execute, num, sqlTime } from "../../server/src/db/dialect.ts";
import { AutomationRunner } from "../../server/src/modules/automations/automation-runner.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import { campaignServices, tagCustomers } from "./campaigns-kit.ts";
import { automationKit, registerAutomationSchema, secondInstance, type AutomationKit } from "./automations-kit.ts";
import { createLogger } from "../../server/src/platform/logger.ts";

const uniq = () => Math.random().toString(36).slice(2, 8);
const HOUR = 3600_000;
const DAY = 24 * HOUR;

describe(`automations (${testDialect()})`, () => {
  let s: TestServer;
  let k: AutomationKit;

  beforeAll(async () => {
    registerAutomationSchema();
    s = await startTestServer();
    k = await automationKit(s.ds, { now: new Date("2026-06-01T00:30:00.000Z") });
  });
  afterAll(async () => {
    await s.stop();
  });
  // each test evaluates only its own automations
  afterEach(async () => {
    await execute(s.ds, "UPDATE automations SET enabled = 0");
  });

  const count = async (sql: string, params: unknown[] = []) => num((await s.ds.query(sql, params))[0]?.n);
  const runsOf = async (id: number) => (await k.automations.runs(id, { page: 1, pageSize: 50 })).items;

  it("runs a segment schedule on its slots, each time only for customers new to the segment", async () => {
    k.clock.set(new Date("2026-06-01T00:30:00.000Z")); // 08:30 in Shanghai
    const store = await k.g.store();
    const guide = await k.g.staff({ storeIds: [store.id] });
    const [a, b, c] = await k.customers(3, guide.id);
    const rule = await k.audience([a!, b!]);
    const tagId = (rule.all[0] as { tagIds: number[] }).tagIds[0]!;
    const segment = await k.segments.save({ name: `会员 ${uniq()}`, rule: rule as never }, k.hq.id);
    const auto = await k.automation({
      name: `每日新会员 ${uniq()}`,
      kind: "segment_schedule",
      config: { segmentId: segment.id, schedule: "0 9 * * *" },
      template: await k.template({ scope: { storeIds: [store.id] } }),
    });
    expect(auto.nextRunAt).toBe("2026-06-01T01:00:00.000Z");
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "not_due" });
    expect(await runsOf(auto.id)).toEqual([]);

    // 09:04: the slot has come; everyone in the segment is new on the first run
    k.clock.set(new Date("2026-06-01T01:04:00.000Z"));
    const first = await k.runner.evaluateOne(auto.id);
    expect(first).toMatchObject({ outcome: "launched", customers: 2 });
    expect(await k.targetsOf(first.campaignId!)).toEqual([
      { customerId: a, staffId: guide.id, status: "pending" },
      { customerId: b, staffId: guide.id, status: "pending" },
    ]);
    const [campaign] = await k.campaignsOf(auto.id);
    expect(campaign).toMatchObject({ id: first.campaignId, status: "running" });
    const view = await k.campaigns.get(first.campaignId!, k.hq);
    expect(view.deadlineAt).toBe(new Date(k.clock.now().getTime() + 48 * HOUR).toISOString());
    expect(view.launchReport).toMatchObject({ audience: 2, targets: 2, tasks: 1 });

    // c joins, a leaves and comes back: only c is new; the same day's slot has passed already
    await tagCustomers(s.ds, tagId, [c!]);
    await execute(s.ds, "DELETE FROM customer_tags WHERE customer_id = ? AND tag_id = ?", [a, tagId]);
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "not_due" });
    await tagCustomers(s.ds, tagId, [a!]);
    k.clock.set(new Date("2026-06-02T01:00:00.000Z"));
    const second = await k.runner.evaluateOne(auto.id);
    expect(second).toMatchObject({ outcome: "launched", customers: 1 });
    expect((await k.targetsOf(second.campaignId!)).map((t) => t.customerId)).toEqual([c]);

    // nobody new: the scheduled run is still logged, without a campaign
    k.clock.set(new Date("2026-06-03T01:00:00.000Z"));
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "nothing_new" });
    const runs = await runsOf(auto.id);
    expect(runs.map((r) => [r.status, r.customers, r.campaignId])).toEqual([
      ["done", 0, null],
      ["done", 1, second.campaignId],
      ["done", 2, first.campaignId],
    ]);
    expect(runs[2]!.summary).toMatchObject({ audience: 2, targets: 2, tasks: 1, unassignable: 0 });
    const after = await k.automations.get(auto.id);
    expect(after).toMatchObject({ customers: 3, nextRunAt: "2026-06-04T01:00:00.000Z" });
    expect(after.lastRuns.map((r) => r.customers)).toEqual([0, 1, 2]);
    expect((await k.campaignsOf(auto.id)).length).toBe(2);
  });

  it("turns a configured RFM downgrade into a win-back task for the customer's owner, once per customer", async () => {
    const store = await k.g.store();
    const owner = await k.g.staff({ storeIds: [store.id], name: "王芳" });
    const other = await k.g.staff({ storeIds: [store.id] });
    const [x, y, z, w] = await k.customers(4, owner.id);
    const [v] = await k.customers(1, other.id);
    await k.move(w!, "important_value", "important_retain"); // before the automation existed
    const auto = await k.automation({
      name: `重要客户挽回 ${uniq()}`,
      kind: "rfm_downgrade",
      config: { pairs: [{ from: "important_value", to: "important_retain" }] },
      template: await k.template({ goal: "挽回流失的重要客户", scope: { storeIds: [store.id] } }),
    });
    await k.move(x!, "important_value", "important_retain");
    await k.move(y!, "important_value", "general_value"); // a downgrade, but not the configured one
    await k.move(z!, "important_retain", "important_value"); // an upgrade
    await k.move(z!, "active", "silent", "lifecycle");

    const sentBefore = k.sent.length;
    const run = await k.runner.evaluateOne(auto.id);
    expect(run).toMatchObject({ outcome: "launched", customers: 1 });
    expect(await k.targetsOf(run.campaignId!)).toEqual([{ customerId: x, staffId: owner.id, status: "pending" }]);
    const tasks = await k.tasks(run.campaignId!);
    expect(tasks).toEqual([expect.objectContaining({ staffId: owner.id, total: 1, status: "open" })]);
    expect(k.sent.slice(sentBefore).map((m) => [m.kind, m.touser])).toEqual([["task_assigned", [owner.userid]]]);
    expect(await k.members(auto.id)).toEqual([
      { customerId: x, campaignId: run.campaignId, event: "important_value>important_retain" },
    ]);

    // nothing new: no run is logged for an event kind that found nothing
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "nothing_new" });
    // x falls again later: already acted on by this automation; v is new
    await k.move(x!, "important_retain", "important_value");
    await k.move(x!, "important_value", "important_retain");
    await k.move(v!, "important_value", "important_retain");
    const again = await k.runner.evaluateOne(auto.id);
    expect(again).toMatchObject({ outcome: "launched", customers: 1 });
    expect(await k.targetsOf(again.campaignId!)).toEqual([{ customerId: v, staffId: other.id, status: "pending" }]);
    expect((await runsOf(auto.id)).map((r) => r.customers)).toEqual([1, 1]);

    // "any downgrade": every segment move down the value order, nothing else
    const any = await k.automation({
      name: `任意降级 ${uniq()}`,
      kind: "rfm_downgrade",
      config: { anyDowngrade: true },
      template: await k.template({ scope: { storeIds: [store.id] } }),
    });
    await k.move(y!, "general_value", "general_retain");
    await k.move(z!, "general_retain", "general_value");
    await k.move(w!, "silent", "churned", "lifecycle");
    const anyRun = await k.runner.evaluateOne(any.id);
    expect(anyRun).toMatchObject({ outcome: "launched", customers: 1 });
    expect((await k.targetsOf(anyRun.campaignId!)).map((t) => t.customerId)).toEqual([y]);
  });

  it("follows up N days after a customer was added, exactly once", async () => {
    const t0 = new Date("2026-07-01T02:00:00.000Z");
    k.clock.set(t0);
    const store = await k.g.store();
    const guide = await k.g.staff({ storeIds: [store.id] });
    const other = await k.g.staff({ storeIds: [store.id] });
    const at = (ms: number) => new Date(t0.getTime() + ms);
    const customer = async (follows: [number, Date, "active" | "deleted_by_customer"][]) => {
      const c = await k.g.customer();
      for (const [staffId, addedAt, status] of follows) await k.g.follow(c.id, staffId, { addedAt, status });
      return c.id;
    };
    await customer([[guide.id, at(-10 * DAY), "active"]]); // came due before the automation existed
    const p = await customer([[guide.id, at(HOUR), "active"]]);
    const q = await customer([
      [guide.id, at(2 * HOUR), "active"],
      [other.id, at(3 * HOUR), "active"],
    ]);
    await customer([[guide.id, at(HOUR), "deleted_by_customer"]]); // no longer a contact
    const auto = await k.automation({
      name: `加好友三天回访 ${uniq()}`,
      kind: "after_added",
      config: { days: 3 },
      template: await k.template({ scope: { storeIds: [store.id] } }),
    });

    k.clock.set(at(2 * DAY));
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "nothing_new" });
    k.clock.set(at(3 * DAY + 90 * 60_000));
    const first = await k.runner.evaluateOne(auto.id);
    expect(first).toMatchObject({ outcome: "launched", customers: 1 });
    expect(await k.targetsOf(first.campaignId!)).toEqual([{ customerId: p, staffId: guide.id, status: "pending" }]);
    k.clock.set(at(3 * DAY + 4 * HOUR));
    const second = await k.runner.evaluateOne(auto.id);
    expect(second).toMatchObject({ outcome: "launched", customers: 1 });
    // two follow relations, one follow-up, for the first to add them (the template's first_added rule)
    expect(await k.targetsOf(second.campaignId!)).toEqual([{ customerId: q, staffId: guide.id, status: "pending" }]);
    k.clock.set(at(5 * DAY));
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "nothing_new" });
    expect((await k.members(auto.id)).map((m) => m.customerId)).toEqual([p, q]);
    expect(await count("SELECT COUNT(*) AS n FROM campaigns WHERE automation_id = ?", [auto.id])).toBe(2);
  });

  it("does nothing while switched off, and starts from now when switched on again", async () => {
    const t0 = new Date("2026-08-01T02:00:00.000Z");
    k.clock.set(t0);
    const guide = await k.g.staff();
    const auto = await k.automation({
      name: `次日回访 ${uniq()}`,
      kind: "after_added",
      config: { days: 1 },
      template: await k.template(),
    });
    const early = await k.g.customer();
    await k.g.follow(early.id, guide.id, { addedAt: new Date(t0.getTime() + HOUR) });
    expect((await k.automations.disable(auto.id)).enabled).toBe(false);

    k.clock.set(new Date(t0.getTime() + 2 * DAY));
    const all = await k.runner.evaluate();
    expect(all.find((e) => e.automationId === auto.id)).toBeUndefined();
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "disabled" });
    expect(await runsOf(auto.id)).toEqual([]);
    expect(await k.members(auto.id)).toEqual([]);

    const on = await k.automations.enable(auto.id);
    expect(on).toMatchObject({ enabled: true, activeSince: k.clock.now().toISOString() });
    // the follow-up that came due while it was off is not caught up
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "nothing_new" });
    const late = await k.g.customer();
    await k.g.follow(late.id, guide.id, { addedAt: new Date(t0.getTime() + 2 * DAY + HOUR) });
    k.clock.set(new Date(t0.getTime() + 3 * DAY + 2 * HOUR));
    const run = await k.runner.evaluateOne(auto.id);
    expect(run).toMatchObject({ outcome: "launched", customers: 1 });
    expect((await k.targetsOf(run.campaignId!)).map((t) => t.customerId)).toEqual([late.id]);
  });

  it("logs a failure once with a repeat count, and a failed launch gives its customers back", async () => {
    const t0 = new Date("2026-09-01T02:00:00.000Z");
    k.clock.set(t0);
    const guide = await k.g.staff();
    const template = await k.template();
    const broken = await k.automation({
      name: `素材已下架 ${uniq()}`,
      kind: "after_added",
      config: { days: 1 },
      template,
    });
    await k.materials.archive((template.materials as { materialId: number }[])[0]!.materialId);
    const c = await k.g.customer();
    await k.g.follow(c.id, guide.id, { addedAt: new Date(t0.getTime() + HOUR) });
    k.clock.set(new Date(t0.getTime() + DAY + 2 * HOUR));
    expect(await k.runner.evaluateOne(broken.id)).toMatchObject({ outcome: "failed" });
    k.clock.set(new Date(t0.getTime() + DAY + 3 * HOUR));
    expect(await k.runner.evaluateOne(broken.id)).toMatchObject({ outcome: "failed" });
    const runs = await runsOf(broken.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({
      status: "failed",
      customers: 0,
      campaignId: null,
      repeats: 1,
      finishedAt: k.clock.now().toISOString(),
    });
    expect(runs[0]!.error).toContain("template.materials.0.materialId: no such material");
    expect(await k.members(broken.id)).toEqual([]);

    // a mass send without WeCom: the launch refuses after the customers were taken; they are given back
    const noWecom = campaignServices(s.ds, { clock: k.clock, wecom: null });
    const runner = new AutomationRunner(
      s.ds,
      k.segments,
      k.campaigns,
      noWecom.launch,
      { downgradesSince: async () => [] },
      k.clock,
      createLogger("silent"),
    );
    const mass = await k.automation({
      name: `群发回访 ${uniq()}`,
      kind: "after_added",
      config: { days: 1 },
      template: await k.template({ channel: "mass_send" }),
    });
    await execute(s.ds, "UPDATE automations SET active_since = ? WHERE id = ?", [sqlTime(t0), mass.id]);
    const failed = await runner.evaluateOne(mass.id);
    expect(failed).toMatchObject({ outcome: "failed", customers: 1 });
    expect(failed.error).toContain("A mass send needs WeCom");
    expect(await k.members(mass.id)).toEqual([]);
    expect(await k.campaignsOf(mass.id)).toEqual([]);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_audience WHERE campaign_id = ?", [failed.campaignId])).toBe(
      0,
    );
    const [log] = await runsOf(mass.id);
    expect(log).toMatchObject({ status: "failed", customers: 1, campaignId: null });
    // with WeCom the next evaluation takes the same customer
    expect(await k.runner.evaluateOne(mass.id)).toMatchObject({ outcome: "launched", customers: 1 });
  });

  it("acts once when two instances evaluate at the same time", async () => {
    const t0 = new Date("2026-10-01T02:00:00.000Z");
    k.clock.set(t0);
    const store = await k.g.store();
    const guides = [await k.g.staff({ storeIds: [store.id] }), await k.g.staff({ storeIds: [store.id] })];
    const auto = await k.automation({
      name: `并发 ${uniq()}`,
      kind: "after_added",
      config: { days: 1 },
      template: await k.template({ scope: { storeIds: [store.id] } }),
    });
    const added = { addedAt: new Date(t0.getTime() + HOUR) };
    const ids = [...(await k.customers(40, guides[0]!.id, added)), ...(await k.customers(40, guides[1]!.id, added))];
    k.clock.set(new Date(t0.getTime() + DAY + 2 * HOUR));

    let second: DataSource | undefined;
    try {
      second = await openDatabase(s.db.target); // another server instance on the same database
      await migrate(second);
      const other = secondInstance(second, k.clock);
      const outcomes = await Promise.all([
        k.runner.evaluateOne(auto.id),
        other.runner.evaluateOne(auto.id),
        k.runner.evaluate(),
        other.runner.evaluate(),
      ]);
      const launched = outcomes.flat().filter((o) => o.automationId === auto.id && o.outcome === "launched");
      expect(launched).toHaveLength(1);
    } finally {
      await second?.destroy();
    }
    const [campaign] = await k.campaignsOf(auto.id);
    expect((await k.campaignsOf(auto.id)).length).toBe(1);
    expect(await count("SELECT COUNT(*) AS n FROM targets WHERE campaign_id = ?", [campaign!.id])).toBe(80);
    expect(await count("SELECT COUNT(*) AS n FROM tasks WHERE campaign_id = ?", [campaign!.id])).toBe(2);
    expect((await k.members(auto.id)).map((m) => m.customerId)).toEqual([...ids].sort((a, b) => a - b));
    expect((await runsOf(auto.id)).map((r) => [r.status, r.customers])).toEqual([["done", 80]]);
    expect(await count("SELECT COUNT(*) AS n FROM automations WHERE lease_owner IS NOT NULL")).toBe(0);
  });

  it("finishes a run whose evaluator died between taking the customers and the launch", async () => {
    const t0 = new Date("2026-11-01T02:00:00.000Z");
    k.clock.set(t0);
    const guide = await k.g.staff();
    const auto = await k.automation({
      name: `中断恢复 ${uniq()}`,
      kind: "after_added",
      config: { days: 1 },
      template: await k.template(),
    });
    const [c] = await k.customers(1, guide.id, { addedAt: new Date(t0.getTime() + HOUR) });
    k.clock.set(new Date(t0.getTime() + DAY + 2 * HOUR));
    // an evaluator whose launch never comes back (the process died)
    const dying = new AutomationRunner(
      s.ds,
      k.segments,
      k.campaigns,
      { launch: () => new Promise(() => undefined) },
      { downgradesSince: async () => [] },
      k.clock,
      createLogger("silent"),
    );
    void dying.evaluateOne(auto.id);
    await expect
      .poll(() => count("SELECT COUNT(*) AS n FROM automation_runs WHERE automation_id = ?", [auto.id]))
      .toBe(1);
    await expect.poll(async () => (await k.campaignsOf(auto.id)).length).toBe(1);
    expect(await k.runner.evaluateOne(auto.id)).toMatchObject({ outcome: "busy" });

    // its lease runs out; the next evaluation launches the campaign it left
    k.clock.set(new Date(k.clock.now().getTime() + 11 * 60_000));
    const next = await k.runner.evaluateOne(auto.id);
    expect(next).toMatchObject({ outcome: "nothing_new" });
    const [run] = await runsOf(auto.id);
    expect(run).toMatchObject({ status: "done", customers: 1, summary: { targets: 1 } });
    expect(await k.targetsOf(run!.campaignId!)).toEqual([{ customerId: c, staffId: guide.id, status: "pending" }]);
  });
});
