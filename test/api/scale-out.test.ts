import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import type { RunOutcome } from "../../server/src/jobs/job-runner.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";
import { campaignKit } from "./campaigns-kit.ts";

/**
 * Two real server instances (startServer twice: own HTTP port, own pool, own job runner) on one
 * MySQL database, as behind a load balancer: every scheduled job runs once per slot, a campaign
 * launched on both at once gets one set of tasks, a session signed in on one works on the other.
 * README "Running several instances" points here.
 */
describe.skipIf(testDialect() !== "mysql")("two server instances on one MySQL database", () => {
  let db: TestDatabase;
  let a: TestServer;
  let b: TestServer;
  const env = { SESSION_SECRET: "s".repeat(48), SECRETS_KEY: "ab".repeat(32) };

  beforeAll(async () => {
    db = createTestDatabase();
    // both migrate at once: the migration lock lets one do it
    [a, b] = await Promise.all([
      startTestServer({ db, env, startJobs: false }),
      startTestServer({ db, env, startJobs: false }),
    ]);
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await db.drop();
  });

  it("runs every scheduled job once per slot when both instances tick it", async () => {
    const names = a.jobs.names().filter((n) => b.jobs.has(n));
    expect(names.length).toBeGreaterThan(5);
    await a.ds.query("DELETE FROM job_leases");
    const slot = "2026-11-24T02:00";
    const outcomes: Record<string, RunOutcome[]> = {};
    await Promise.all(
      names.map(async (name) => {
        outcomes[name] = await Promise.all([a.jobs.runSlot(name, slot), b.jobs.runSlot(name, slot)]);
      }),
    );
    for (const name of names)
      expect(
        outcomes[name]!.filter((o) => o !== "skipped"),
        name,
      ).toHaveLength(1);
    const leases: { name: string; run_count: unknown; last_slot: string }[] = await a.ds.query(
      "SELECT name, run_count, last_slot FROM job_leases",
    );
    for (const name of names) {
      const lease = leases.find((l) => l.name === name);
      expect(lease && num(lease.run_count), name).toBe(1);
    }
    // a late tick of the same slot on either instance does nothing
    expect(await b.jobs.runSlot(names[0]!, slot)).toBe("skipped");
    expect(await a.jobs.runSlot(names[0]!, slot)).toBe("skipped");
  });

  it("launches a campaign once when both instances are asked at the same time", async () => {
    const k = await campaignKit(a.ds);
    const guides = [await k.g.staff({ name: "王芳" }), await k.g.staff({ name: "李娜" })];
    const ids = [...(await k.customers(200, guides[0]!.id)), ...(await k.customers(100, guides[1]!.id))];
    const draft = await k.draft({ audience: { rule: await k.audience(ids) } });
    await a.app.services.auth.createUser({
      username: "hq.scale",
      password: "long-enough-1",
      displayName: "HQ",
      role: "hq_admin",
    });
    const onA = a.client();
    const onB = b.client();
    for (const c of [onA, onB])
      expect((await c.post("/api/v1/auth/login", { username: "hq.scale", password: "long-enough-1" })).status).toBe(
        200,
      );
    const answers = await Promise.all([onA, onB, onA, onB].map((c) => c.post(`/api/v1/campaigns/${draft.id}/launch`)));
    expect(answers.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    const count = async (table: string) =>
      num((await a.ds.query(`SELECT COUNT(*) AS n FROM ${table} WHERE campaign_id = ?`, [draft.id]))[0].n);
    expect(await count("targets")).toBe(300);
    expect(await count("tasks")).toBe(2);
    expect(await count("campaign_audience")).toBe(300);
  });

  it("accepts a session signed in on one instance at the other (signed cookies, no server state)", async () => {
    const onA = a.client();
    await onA.post("/api/v1/auth/login", { username: "hq.scale", password: "long-enough-1" });
    const cookie = ["siyu_admin", "siyu_csrf"]
      .filter((n) => onA.hasCookie(n))
      .map((n) => `${n}=${onA.cookie(n)}`)
      .join("; ");
    expect(cookie).toContain("siyu_admin=");
    const me = await fetch(`${b.url}/api/v1/auth/me`, { headers: { cookie } });
    expect(me.status).toBe(200);
    expect(((await me.json()) as { user: { username: string } }).user.username).toBe("hq.scale");
  });
});
