import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { JobRunner } from "../../server/src/jobs/job-runner.ts";
import { JobLease } from "../../server/src/jobs/job-lease.entity.ts";
import { fixedClock, systemClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

const log = createLogger("silent");

describe(`job leases on ${testDialect()}`, () => {
  let db: TestDatabase;
  let a: DataSource;
  let b: DataSource;
  beforeEach(async () => {
    db = createTestDatabase();
    a = await openDatabase(db.target);
    await migrate(a);
    b = await openDatabase(db.target); // a second "instance" with its own connection
  });
  afterEach(async () => {
    await a.destroy();
    await b.destroy();
    await db.drop();
  });

  it("two instances ticking the same slot run the job once", async () => {
    const clock = fixedClock(new Date("2026-11-24T02:00:00Z"));
    let runs = 0;
    const job = {
      name: "nightly",
      leaseMs: 60_000,
      run: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 50));
      },
    };
    const one = new JobRunner(a, clock, log, "one");
    const two = new JobRunner(b, clock, log, "two");
    one.register(job);
    two.register(job);
    const outcomes = await Promise.all([
      one.runSlot("nightly", "2026-11-24T02:00"),
      two.runSlot("nightly", "2026-11-24T02:00"),
    ]);
    expect(outcomes.sort()).toEqual(["ran", "skipped"]);
    expect(runs).toBe(1);
    // the slot stays done: a late tick of the same slot does nothing, the next slot runs
    expect(await two.runSlot("nightly", "2026-11-24T02:00")).toBe("skipped");
    expect(await two.runSlot("nightly", "2026-11-25T02:00")).toBe("ran");
    expect(runs).toBe(2);
    const lease = await a.getRepository(JobLease).findOneByOrFail({ name: "nightly" });
    expect(lease).toMatchObject({ owner: "two", lastStatus: "ok", runCount: 2, leaseUntil: null });
  });

  it("two instances with running cron timers run each slot once", async () => {
    // every second on both instances; slots are minutes, so within a minute only the first tick runs
    const slots: string[] = [];
    const job = {
      name: "every-second",
      schedule: "* * * * * *",
      leaseMs: 60_000,
      run: async (ctx: { slot: string }) => {
        slots.push(ctx.slot);
      },
    };
    const runners = [new JobRunner(a, systemClock, log, "one"), new JobRunner(b, systemClock, log, "two")];
    for (const r of runners) {
      r.register(job);
      r.start();
    }
    try {
      for (let i = 0; i < 400 && slots.length === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 2_200)); // both instances tick at least twice more
    } finally {
      await Promise.all(runners.map((r) => r.stop()));
    }
    expect(slots.length).toBeGreaterThan(0);
    expect(slots.length).toBe(new Set(slots).size);
    const lease = await a.getRepository(JobLease).findOneByOrFail({ name: "every-second" });
    expect(lease.runCount).toBe(slots.length);
  });

  it("a crashed holder's slot is taken over once its lease expires", async () => {
    const clock = fixedClock(new Date("2026-11-24T02:00:00Z"));
    let finished = 0;
    // a holder claimed slot-1 and then died: its row says running, its lease will run out
    await a.getRepository(JobLease).save({
      name: "sync",
      owner: "dead-instance",
      leaseUntil: new Date(clock.now().getTime() + 1_000),
      lastSlot: "slot-1",
      lastStartedAt: clock.now(),
      lastStatus: "running",
      lastError: null,
      runCount: 1,
      lastFinishedAt: null,
    });

    const survivor = new JobRunner(b, clock, log, "survivor");
    survivor.register({
      name: "sync",
      leaseMs: 1_000,
      run: async () => {
        finished++;
      },
    });
    expect(await survivor.runNow("sync")).toBe("skipped"); // lease still held
    await survivor.sweep();
    expect(finished).toBe(0);

    clock.advance(60_000); // nobody renewed the lease
    await survivor.sweep();
    expect(finished).toBe(1);
    const lease = await b.getRepository(JobLease).findOneByOrFail({ name: "sync" });
    expect(lease).toMatchObject({ owner: "survivor", lastSlot: "slot-1", lastStatus: "ok" });
  });

  it("records a failure and frees the lease for the next run", async () => {
    const clock = fixedClock(new Date("2026-11-24T02:00:00Z"));
    const runner = new JobRunner(a, clock, log, "x");
    let attempt = 0;
    runner.register({
      name: "flaky",
      run: async () => {
        if (++attempt === 1) throw new Error("boom");
      },
    });
    expect(await runner.runNow("flaky")).toBe("failed");
    expect(await a.getRepository(JobLease).findOneByOrFail({ name: "flaky" })).toMatchObject({
      lastStatus: "failed",
      lastError: "boom",
      leaseUntil: null,
    });
    expect(await runner.runNow("flaky")).toBe("ran");
  });
});
