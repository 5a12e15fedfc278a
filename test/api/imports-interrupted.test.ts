import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ImportJob } from "../../server/src/modules/imports/import-job.entity.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

/** An import whose process died mid-file is marked failed by a job, so the admin sees it and reruns it. */
describe(`interrupted imports (${testDialect()})`, () => {
  const clock = fixedClock(new Date("2026-11-24T08:00:00.000Z"));
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ clock, startJobs: false });
  });
  afterAll(() => s.stop());

  const job = (over: Partial<ImportJob>) =>
    s.ds.getRepository(ImportJob).save({
      kind: "orders" as const,
      source: "csv" as const,
      filename: "orders.csv",
      status: "running" as const,
      totalRows: 1000,
      processedRows: 500,
      inserted: 500,
      updated: 0,
      unchanged: 0,
      rejected: 0,
      actor: "admin",
      error: null,
      startedAt: new Date(clock.now().getTime() - 30 * 60_000),
      finishedAt: null,
      heartbeatAt: null,
      ...over,
    });
  const minutesAgo = (m: number) => new Date(clock.now().getTime() - m * 60_000);

  it("fails the running imports without a batch for ten minutes, and leaves the others", async () => {
    const stale = await job({ heartbeatAt: minutesAgo(11) });
    const legacy = await job({ heartbeatAt: null, startedAt: minutesAgo(20) });
    const alive = await job({ heartbeatAt: minutesAgo(1) });
    const done = await job({ status: "done", heartbeatAt: minutesAgo(60), finishedAt: minutesAgo(59) });

    await s.jobs.runNow("imports-interrupted");

    const status = async (id: number) => s.ds.getRepository(ImportJob).findOneByOrFail({ id });
    for (const j of [stale, legacy]) {
      const after = await status(j.id);
      expect(after).toMatchObject({ status: "failed", processedRows: 500, inserted: 500 });
      expect(after.error).toMatch(/^interrupted/);
      expect(after.finishedAt?.toISOString()).toBe(clock.now().toISOString());
    }
    expect(await status(alive.id)).toMatchObject({ status: "running", error: null });
    expect(await status(done.id)).toMatchObject({ status: "done", error: null });

    // the admin's import page shows it as failed with the reason
    const admin = await given(s.ds).user({ role: "hq_admin" });
    const http = s.client();
    expect((await http.post("/api/v1/auth/login", { username: admin.username, password: admin.password })).status).toBe(
      200,
    );
    const shown = await http.get(`/api/v1/imports/${stale.id}`);
    expect(shown.status).toBe(200);
    expect(JSON.stringify(shown.body)).toContain("interrupted");
  });
});
