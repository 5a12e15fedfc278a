import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num, readTime } from "../../server/src/db/dialect.ts";
import { FREQUENCY_CAP_SETTING } from "../../server/src/modules/campaigns/campaign-launch.ts";
import { TargetMoves } from "../../server/src/modules/campaigns/target-moves.ts";
import { Campaign } from "../../server/src/modules/campaigns/campaign.entity.ts";
import { CAMPAIGN_JOBS, campaignJobs } from "../../server/src/modules/campaigns/campaign-jobs.ts";
import { JobRunner } from "../../server/src/jobs/job-runner.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import { campaignKit, type CampaignKit } from "./campaigns-kit.ts";

const DAY = 86_400_000;

describe(`campaign tracking (${testDialect()})`, () => {
  let s: TestServer;
  let k: CampaignKit;

  beforeAll(async () => {
    s = await startTestServer();
    k = await campaignKit(s.ds, { now: new Date("2026-11-24T02:00:00.000Z") });
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 1 });
  });
  afterAll(async () => {
    await s.stop();
  });

  /** a running campaign: `perStaff` customers for each of `staffCount` guides, deadline in 72 h */
  const running = async (perStaff: number[], over: Record<string, unknown> = {}) => {
    const staff = [];
    const customers: number[] = [];
    for (const n of perStaff) {
      const guide = await k.g.staff();
      staff.push(guide);
      customers.push(...(await k.customers(n, guide.id)));
    }
    const draft = await k.draft({ audience: { rule: await k.audience(customers) }, ...over });
    await k.launch.launch(draft.id, k.hq);
    const targets = await k.targets(draft.id);
    const tasks = await k.tasks(draft.id);
    const taskOf = (staffId: number) => tasks.find((t) => t.staffId === staffId)!;
    const targetsOf = (staffId: number) => targets.filter((t) => t.staffId === staffId);
    return { campaign: draft, staff, targets, taskOf, targetsOf };
  };
  const events = async (targetId: number) =>
    (await s.ds.query(
      "SELECT from_status, to_status, actor_type, actor_id, reason FROM target_events WHERE target_id = ? ORDER BY id",
      [targetId],
    )) as Record<string, unknown>[];

  it("moves targets only along the lifecycle, recording who did what, and closes the task when none is pending", async () => {
    const { staff, taskOf, targetsOf } = await running([2, 1]);
    const [guide, other] = staff;
    const [first, second] = targetsOf(guide!.id);

    await k.tracking.markSent(first!.id, guide!.id);
    expect(await events(first!.id)).toEqual([
      { from_status: "pending", to_status: "sent", actor_type: "staff", actor_id: String(guide!.id), reason: null },
    ]);
    // refused: twice, the wrong staff member, a missing reason
    await expect(k.tracking.markSent(first!.id, guide!.id)).rejects.toMatchObject({ status: 409 });
    await expect(k.tracking.markSent(second!.id, other!.id)).rejects.toMatchObject({ status: 404 });
    await expect(k.tracking.skip(second!.id, guide!.id, "  ")).rejects.toMatchObject({
      status: 400,
      fields: [{ field: "reason", reason: "is required" }],
    });
    // sent -> pending and other backward moves are refused
    const moves = new TargetMoves(s.ds, k.clock);
    await expect(
      moves.move([first!.id], { from: "sent", to: "pending", actor: { type: "user", id: "1" } }),
    ).rejects.toMatchObject({ status: 409 });
    await expect(
      moves.move([first!.id], { from: "sent", to: "skipped", actor: { type: "user", id: "1" } }),
    ).rejects.toMatchObject({ status: 409 });

    const taskRow = async () =>
      (await s.ds.query("SELECT status, targets_pending FROM tasks WHERE id = ?", [taskOf(guide!.id).id]))[0];
    expect((await taskRow()).status).toBe("open");
    expect(num((await taskRow()).targets_pending)).toBe(1);

    await k.tracking.skip(second!.id, guide!.id, "客户在外地");
    expect((await taskRow()).status).toBe("done");
    expect(num((await taskRow()).targets_pending)).toBe(0);
    expect(await events(second!.id)).toEqual([
      {
        from_status: "pending",
        to_status: "skipped",
        actor_type: "staff",
        actor_id: String(guide!.id),
        reason: "客户在外地",
      },
    ]);
    const [target] = await s.ds.query("SELECT reason, sent_at FROM targets WHERE id = ?", [first!.id]);
    expect(readTime(target.sent_at)).toEqual(k.clock.now());
    // the other guide's task is untouched
    const otherTask = await s.ds.query("SELECT status, targets_pending FROM tasks WHERE id = ?", [
      taskOf(other!.id).id,
    ]);
    expect(otherTask[0].status).toBe("open");
  });

  it("marks tasks overdue after the deadline, and finishes the campaign after the conversion window", async () => {
    const { campaign, staff, taskOf, targetsOf } = await running([1, 1]);
    const [busy, finished] = staff;
    await k.tracking.markSent(targetsOf(finished!.id)[0]!.id, finished!.id);
    const start = k.clock.now();
    try {
      k.clock.set(new Date(start.getTime() + 72 * 3600_000 + 1));
      expect((await k.tracking.runOverdue()).overdue).toBeGreaterThanOrEqual(1);
      const status = async (id: number) => (await s.ds.query("SELECT status FROM tasks WHERE id = ?", [id]))[0].status;
      expect(await status(taskOf(busy!.id).id)).toBe("overdue");
      expect(await status(taskOf(finished!.id).id)).toBe("done");
      // a late send still counts, and the task is then done
      await k.tracking.markSent(targetsOf(busy!.id)[0]!.id, busy!.id);
      expect(await status(taskOf(busy!.id).id)).toBe("done");
      expect((await s.ds.getRepository(Campaign).findOneByOrFail({ id: campaign.id })).status).toBe("running");
      k.clock.set(new Date(start.getTime() + 72 * 3600_000 + 7 * DAY));
      await k.tracking.runOverdue();
      expect((await s.ds.getRepository(Campaign).findOneByOrFail({ id: campaign.id })).status).toBe("finished");
    } finally {
      k.clock.set(start);
    }
  });

  it("reminds only staff with pending targets, once per mark, and not while paused", async () => {
    const { campaign, staff, taskOf, targetsOf } = await running([2, 1]);
    const [slow, quick] = staff;
    await k.tracking.markSent(targetsOf(quick!.id)[0]!.id, quick!.id);
    const start = k.clock.now();
    const mine = [taskOf(slow!.id).id, taskOf(quick!.id).id].map((id) => `task:${id}:reminder`);
    const reminders = () => k.sent.filter((m) => m.kind === "reminder" && mine.some((p) => m.key?.startsWith(`${p}:`)));
    try {
      k.clock.set(new Date(start.getTime() + 40 * 3600_000)); // 32 h before the deadline: nothing due
      await k.tracking.runReminders();
      expect(reminders()).toEqual([]);

      k.clock.set(new Date(start.getTime() + 49 * 3600_000)); // 23 h before
      await k.tracking.runReminders();
      await k.tracking.runReminders(); // a second instance's tick
      expect(reminders().map((m) => [m.touser, m.key])).toEqual([
        [[slow!.userid], `task:${taskOf(slow!.id).id}:reminder:24h`],
      ]);
      expect(reminders()[0]!.card.description).toContain("还有 2 位客户待联系");

      await k.campaigns.pause(campaign.id, k.hq);
      k.clock.set(new Date(start.getTime() + 70.5 * 3600_000)); // 1.5 h before
      await k.tracking.runReminders();
      expect(reminders().length).toBe(1);
      await k.campaigns.resume(campaign.id, k.hq);
      await k.tracking.runReminders();
      expect(reminders().map((m) => m.key)).toEqual([
        `task:${taskOf(slow!.id).id}:reminder:24h`,
        `task:${taskOf(slow!.id).id}:reminder:2h`,
      ]);
    } finally {
      k.clock.set(start);
    }
  });

  it("reminds now: once per staff member with pending targets, not again within ten minutes, only while running", async () => {
    const { campaign, staff, taskOf, targetsOf } = await running([2, 1]);
    const [slow, quick] = staff;
    await k.tracking.markSent(targetsOf(quick!.id)[0]!.id, quick!.id);
    const mine = [taskOf(slow!.id).id, taskOf(quick!.id).id].map((id) => `task:${id}:remind-now`);
    const nudges = () => k.sent.filter((m) => m.kind === "reminder" && mine.some((p) => m.key?.startsWith(`${p}:`)));
    const start = k.clock.now();
    try {
      expect(await k.tracking.remindNow(campaign.id)).toEqual({ reminded: 1, tasks: 1 });
      expect(await k.tracking.remindNow(campaign.id)).toEqual({ reminded: 0, tasks: 1 }); // a double click
      expect(nudges().map((m) => m.touser)).toEqual([[slow!.userid]]);
      expect(nudges()[0]!.card.description).toContain("还有 2 位客户待联系");
      k.clock.set(new Date(start.getTime() + 11 * 60_000));
      expect(await k.tracking.remindNow(campaign.id)).toEqual({ reminded: 1, tasks: 1 });
      await k.campaigns.pause(campaign.id, k.hq);
      await expect(k.tracking.remindNow(campaign.id)).rejects.toMatchObject({ status: 409 });
      expect(nudges().length).toBe(2);
    } finally {
      k.clock.set(start);
    }
  });

  it("attributes an order to a sent target within the conversion window, and not one second later", async () => {
    const { campaign, staff, targetsOf } = await running([5], { conversionWindowDays: 7 });
    const [guide] = staff;
    const [atEnd, justAfter, refunded, before, notSent] = targetsOf(guide!.id);
    for (const t of [atEnd, justAfter, refunded, before]) await k.tracking.markSent(t!.id, guide!.id);
    const sentAt = k.clock.now();
    const windowEnd = new Date(sentAt.getTime() + 7 * DAY);
    const order = (customerId: number, paidAt: Date, p = {}) =>
      k.g.order({ customerId, paidAt, amountCents: 12_000, ...p });
    const o1 = await order(atEnd!.customerId!, windowEnd, { refundCents: 2_000 });
    await order(atEnd!.customerId!, new Date(windowEnd.getTime() - 1000), { status: "cancelled" });
    await order(justAfter!.customerId!, new Date(windowEnd.getTime() + 1000));
    await order(refunded!.customerId!, new Date(sentAt.getTime() + DAY), { refundCents: 12_000 });
    await order(before!.customerId!, new Date(sentAt.getTime() - 1000));
    await order(notSent!.customerId!, new Date(sentAt.getTime() + DAY));

    const start = k.clock.now();
    try {
      k.clock.set(new Date(windowEnd.getTime() + 2 * DAY));
      expect(await k.tracking.runConversions(campaign.id)).toEqual({ converted: 1 });
      expect(await k.tracking.runConversions()).toEqual({ converted: 0 }); // idempotent
    } finally {
      k.clock.set(start);
    }
    const byId = new Map((await k.targets(campaign.id)).map((t) => [t.id, t]));
    expect(byId.get(atEnd!.id)).toMatchObject({ status: "converted", conversionOrderId: o1.id, revenueCents: 10_000 });
    expect(readTime(byId.get(atEnd!.id)!.convertedAt)).toEqual(windowEnd);
    for (const t of [justAfter, refunded, before]) expect(byId.get(t!.id)!.status).toBe("sent");
    expect(byId.get(notSent!.id)!.status).toBe("pending");
    expect(await events(atEnd!.id)).toEqual([
      expect.objectContaining({ to_status: "sent" }),
      { from_status: "sent", to_status: "converted", actor_type: "system", actor_id: null, reason: null },
    ]);
  });

  it("cancelling skips what is pending, so every task is done", async () => {
    const { campaign, staff, taskOf, targetsOf } = await running([2]);
    const [guide] = staff;
    await k.tracking.markSent(targetsOf(guide!.id)[0]!.id, guide!.id);
    const view = await k.campaigns.cancel(campaign.id, k.hq);
    expect(view.status).toBe("cancelled");
    expect((await k.targets(campaign.id)).map((t) => [t.status, t.reason])).toEqual([
      ["sent", null],
      ["skipped", "campaign cancelled"],
    ]);
    expect((await s.ds.query("SELECT status FROM tasks WHERE id = ?", [taskOf(guide!.id).id]))[0].status).toBe("done");
    await expect(k.campaigns.cancel(campaign.id, k.hq)).rejects.toMatchObject({ status: 409 });
    await expect(k.campaigns.resume(campaign.id, k.hq)).rejects.toMatchObject({ status: 409 });
  });
});

describe(`campaign jobs (${testDialect()})`, () => {
  it("registers four jobs that run on a real database", async () => {
    const s = await startTestServer();
    try {
      const k = await campaignKit(s.ds);
      const runner = new JobRunner(s.ds, k.clock, createLogger("silent"), "test");
      for (const job of campaignJobs(k.launch, k.tracking, null)) runner.register(job);
      expect(Object.values(CAMPAIGN_JOBS).map((name) => runner.has(name))).toEqual([true, true, true, true]);
      for (const name of Object.values(CAMPAIGN_JOBS)) expect(await runner.runNow(name)).toBe("ran");
      await runner.stop();
    } finally {
      await s.stop();
    }
  });
});
