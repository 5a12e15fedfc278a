import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { JobRunner } from "../../server/src/jobs/job-runner.ts";
import { RfmComputation } from "../../server/src/modules/rfm/rfm.entity.ts";
import {
  RFM_DEBOUNCE_JOB,
  RFM_NIGHTLY_JOB,
  RFM_RECOMPUTE_JOB,
  RecomputeRequests,
  nightlySlotDue,
  rfmJobs,
} from "../../server/src/modules/rfm/rfm-jobs.ts";
import { DEFAULT_RFM_SETTINGS } from "../../server/src/modules/rfm/rfm-settings.ts";
import { RfmService } from "../../server/src/modules/rfm/rfm.service.ts";
import { SettingsService } from "../../server/src/modules/settings/settings.service.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

const log = createLogger("silent");

describe(`RFM settings and jobs (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let other: DataSource | undefined;
  // 2026-06-01T18:00Z is 02:00 on 2 June in Asia/Shanghai, the default nightly slot
  const clock = fixedClock(new Date("2026-06-01T12:00:00Z"));
  const service = (d: DataSource) => new RfmService(d, clock, new SettingsService(d, clock), log);
  const instance = (d: DataSource, owner: string) => {
    const rfm = service(d);
    const runner = new JobRunner(d, clock, log, owner);
    const requests = new RecomputeRequests(d, clock);
    for (const job of rfmJobs(rfm, requests, runner, clock)) runner.register(job);
    return { rfm, runner, requests };
  };
  const computations = () => ds.getRepository(RfmComputation).find({ order: { id: "ASC" } });

  beforeEach(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
    clock.set(new Date("2026-06-01T12:00:00Z"));
    const c = await given(ds).customer();
    await given(ds).order({ customerId: c.id, paidAt: new Date("2026-05-01T00:00:00Z") });
  });
  afterEach(async () => {
    await other?.destroy();
    other = undefined;
    await ds.destroy();
    await db.drop();
  });

  it("stores validated settings and names every bad field", async () => {
    const rfm = service(ds);
    expect(await rfm.getSettings()).toEqual(DEFAULT_RFM_SETTINGS);
    await expect(
      rfm.updateSettings(
        {
          method: "median",
          recency: [30, 30, 120, 240],
          frequency: [1, 2, 4],
          newDays: 0,
          activeDays: 200,
          schedule: "61 2 * * *",
          colour: "red",
        },
        "admin",
      ),
    ).rejects.toMatchObject({
      status: 400,
      fields: expect.arrayContaining([
        { field: "method", reason: expect.any(String) },
        { field: "recency", reason: "must be strictly ascending" },
        { field: "frequency", reason: "must have exactly four break points" },
        { field: "newDays", reason: "must be at least 1" },
        { field: "schedule", reason: expect.stringContaining("cron") },
        { field: "(body)", reason: expect.stringContaining("colour") },
      ]),
    });
    // a change is checked against the stored values as a whole
    await expect(rfm.updateSettings({ activeDays: 180 }, "admin")).rejects.toMatchObject({
      fields: [{ field: "activeDays", reason: "must be less than churnDays" }],
    });
    await expect(rfm.updateSettings({ groupActiveDays: 31 }, "admin")).rejects.toMatchObject({
      fields: [{ field: "groupActiveDays", reason: "must not exceed groupSilentDays" }],
    });
    await expect(rfm.updateSettings({ monetary: [0, 1, 2, 1.5] }, "admin")).rejects.toMatchObject({
      fields: expect.arrayContaining([{ field: "monetary.3", reason: "must be a whole number" }]),
    });
    expect(await rfm.getSettings()).toEqual(DEFAULT_RFM_SETTINGS);

    const next = await rfm.updateSettings({ method: "threshold", churnDays: 365, schedule: "30 3 * * 1" }, "admin");
    expect(next).toEqual({ ...DEFAULT_RFM_SETTINGS, method: "threshold", churnDays: 365, schedule: "30 3 * * 1" });
    expect(await service(ds).getSettings()).toEqual(next);
    const [audit] = await ds.query("SELECT actor_id, action FROM audit_log WHERE action = 'rfm.settings.update'");
    expect(audit).toEqual({ actor_id: "admin", action: "rfm.settings.update" });
  });

  it("runs the nightly recompute once per configured slot, in Asia/Shanghai", async () => {
    const { rfm, runner } = instance(ds, "one");
    clock.set(new Date("2026-06-01T17:59:00Z"));
    expect(await nightlySlotDue(rfm, clock)).toBeNull(); // yesterday's slot is long past
    clock.set(new Date("2026-06-01T18:00:01Z"));
    expect(await nightlySlotDue(rfm, clock)).toEqual(new Date("2026-06-01T18:00:00Z"));
    expect(await runner.runSlot(RFM_NIGHTLY_JOB, "2026-06-01T18:00")).toBe("ran");
    clock.set(new Date("2026-06-01T18:01:00Z"));
    expect(await runner.runSlot(RFM_NIGHTLY_JOB, "2026-06-01T18:01")).toBe("ran"); // a tick that finds nothing to do
    expect((await computations()).map((c) => [c.triggeredBy, c.status])).toEqual([["schedule", "done"]]);

    // a new schedule applies from the next tick, without a restart
    await rfm.updateSettings({ schedule: "30 9 * * *" }, "admin");
    clock.set(new Date("2026-06-02T01:30:00Z"));
    expect(await runner.runSlot(RFM_NIGHTLY_JOB, "2026-06-02T01:30")).toBe("ran");
    expect(await computations()).toHaveLength(2);
  });

  it("runs the nightly slot once with two instances", async () => {
    other = await openDatabase(db.target);
    const one = instance(ds, "one");
    const two = instance(other, "two");
    clock.set(new Date("2026-06-01T18:00:00Z"));
    const outcomes = await Promise.all([
      one.runner.runSlot(RFM_NIGHTLY_JOB, "2026-06-01T18:00"),
      two.runner.runSlot(RFM_NIGHTLY_JOB, "2026-06-01T18:00"),
    ]);
    expect(outcomes.sort()).toEqual(["ran", "skipped"]);
    // the other instance's next tick finds the slot done
    clock.set(new Date("2026-06-01T18:01:00Z"));
    await two.runner.runSlot(RFM_NIGHTLY_JOB, "2026-06-01T18:01");
    await one.runner.runSlot(RFM_NIGHTLY_JOB, "2026-06-01T18:01");
    expect((await computations()).map((c) => c.triggeredBy)).toEqual(["schedule"]);
  });

  it("debounces recompute requests after imports and clears only the request it served", async () => {
    const { runner, requests } = instance(ds, "one");
    await requests.requestSoon("orders import #1");
    clock.advance(30_000);
    await requests.requestSoon("orders import #2");
    const pending = await requests.pending();
    expect(pending).toEqual({
      since: "2026-06-01T12:00:30.000Z",
      first: "2026-06-01T12:00:00.000Z",
      reason: "orders import #2",
    });
    clock.advance(59_000); // 59 s after the latest request
    await runner.runSlot(RFM_DEBOUNCE_JOB, "t1");
    expect(await computations()).toHaveLength(0);
    clock.advance(1_000);
    await runner.runSlot(RFM_DEBOUNCE_JOB, "t2");
    expect((await computations()).map((c) => [c.triggeredBy, c.status])).toEqual([["import", "done"]]);
    expect(await requests.pending()).toBeNull();
    await runner.runSlot(RFM_DEBOUNCE_JOB, "t3");
    expect(await computations()).toHaveLength(1);

    // a request replaced after it was read stays for the next run
    await requests.requestSoon("a");
    const seen = (await requests.pending())!;
    clock.advance(1);
    await requests.requestSoon("b");
    expect(await requests.clear(seen)).toBe(false);
    expect((await requests.pending())?.reason).toBe("b");
  });

  it("serves a request without another run when a computation started after it", async () => {
    const { runner, requests } = instance(ds, "one");
    await requests.requestSoon("orders import");
    clock.advance(5_000);
    expect(await runner.runNow(RFM_RECOMPUTE_JOB)).toBe("ran"); // the admin's button, meanwhile
    clock.advance(120_000);
    await runner.runSlot(RFM_DEBOUNCE_JOB, "t1");
    expect((await computations()).map((c) => c.triggeredBy)).toEqual(["manual"]);
    expect(await requests.pending()).toBeNull();
  });

  it("runs a stream of requests at the latest after the maximum wait", async () => {
    const { runner, requests } = instance(ds, "one");
    for (let i = 0; i < 16; i++) {
      await requests.requestSoon(`import ${i}`);
      clock.advance(59_000);
      await runner.runSlot(RFM_DEBOUNCE_JOB, `t${i}`);
    }
    expect((await computations()).map((c) => c.triggeredBy)).toEqual(["import"]);
  });

  it("stops a recompute between steps when the server shuts down", async () => {
    const { runner } = instance(ds, "one");
    expect(await runner.startNow(RFM_RECOMPUTE_JOB)).toBe("started");
    await runner.stop();
    const [c] = await computations();
    expect(c).toMatchObject({ status: "failed", error: "interrupted: the server is shutting down" });
    expect(Number((await ds.query("SELECT COUNT(*) AS n FROM rfm_scratch"))[0].n)).toBe(0);
  });

  it("never runs two recomputes at once, and marks a crashed one as failed", async () => {
    const { rfm, runner } = instance(ds, "one");
    const crashed = await ds.getRepository(RfmComputation).save({
      asOf: clock.now(),
      settings: {},
      status: "running",
      triggeredBy: "schedule",
      customersScored: 0,
      customersTotal: 0,
      error: null,
      startedAt: clock.now(),
      finishedAt: null,
    } as unknown as RfmComputation);
    expect(await runner.startNow(RFM_RECOMPUTE_JOB)).toBe("started");
    expect(await runner.startNow(RFM_RECOMPUTE_JOB)).toBe("busy");
    const finished = async () => {
      const all = await computations();
      return all.length === 2 && all.every((c) => c.status !== "running");
    };
    for (let i = 0; i < 400 && !(await finished()); i++) await new Promise((r) => setTimeout(r, 25));
    await runner.stop();
    const all = await computations();
    expect(all.map((c) => [c.id, c.status, c.triggeredBy])).toEqual([
      [crashed.id, "failed", "schedule"],
      [crashed.id + 1, "done", "manual"],
    ]);
    expect(all[0].error).toContain("interrupted");
    expect((await rfm.latest())?.id).toBe(crashed.id + 1);
  });
});
