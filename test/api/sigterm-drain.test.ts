import { spawn, type ChildProcess } from "node:child_process";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource, QueryRunner } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { ApiKeyService } from "../../server/src/modules/api-keys/api-key.service.ts";
import { AuthService } from "../../server/src/modules/auth/auth.service.ts";
import { RFM_RECOMPUTE_JOB } from "../../server/src/modules/rfm/rfm-jobs.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { HttpClient } from "../support/http-client.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

/**
 * `siyu start` in a child process gets SIGTERM while an orders request and the RFM job are both
 * held up inside the database (the test holds table locks on another connection): it stops taking
 * connections, lets the request answer and the job end, releases the job's lease and exits 0.
 * (MySQL only: table locks make "in flight" a state the test can see in the process list.)
 */
describe.skipIf(testDialect() !== "mysql")("SIGTERM drains requests and jobs", () => {
  let db: TestDatabase;
  let ds: DataSource;
  let locks: QueryRunner;
  let child: ChildProcess | undefined;
  let output = "";
  let key = "";

  beforeAll(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
    const user = await new AuthService(ds, systemClock).createUser({
      username: "hq.drain",
      password: "long-enough-1",
      displayName: "HQ",
      role: "hq_admin",
    });
    key = (await new ApiKeyService(ds, systemClock).create({ name: "POS" }, { userId: user.id, ip: null })).key;
    locks = ds.createQueryRunner();
    await locks.connect();
  });
  afterAll(async () => {
    if (child && child.exitCode === null) child.kill("SIGKILL");
    await locks?.query("UNLOCK TABLES").catch(() => undefined);
    await locks?.release();
    await ds?.destroy();
    await db?.drop();
  });

  /** waits until MariaDB shows a statement of the server blocked on a table lock, matching `sql` */
  async function blockedOn(sql: RegExp): Promise<void> {
    for (let i = 0; i < 400; i++) {
      const rows: { INFO: string | null }[] = await ds.query(
        "SELECT INFO FROM information_schema.PROCESSLIST WHERE STATE LIKE '%lock%' AND INFO IS NOT NULL",
      );
      if (rows.some((r) => sql.test(r.INFO!))) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`no statement blocked on ${sql}; server output:\n${output}`);
  }

  async function waitForOutput(text: string | RegExp): Promise<RegExpMatchArray> {
    for (let i = 0; i < 1200; i++) {
      const m = output.match(text);
      if (m) return m;
      if (child?.exitCode !== null) break;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`server never printed ${text}; output:\n${output}`);
  }

  it("answers the request in flight, ends the job, releases its lease and exits 0", async () => {
    child = spawn(process.execPath, ["server/bin/siyu.mjs", "start", "--no-build"], {
      env: {
        ...process.env,
        DATABASE_URL: db.url,
        DATA_DIR: db.dataDir,
        PORT: "0",
        HOST: "127.0.0.1",
        LOG_LEVEL: "info",
        WECOM_MODE: "simulator",
        SEED_DEMO_ON_START: "false",
        SESSION_SECRET: "d".repeat(48),
        SECRETS_KEY: "cd".repeat(32),
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
    const port = (await waitForOutput(/admin center:\s+http:\/\/localhost:(\d+)\//))[1];
    const url = `http://127.0.0.1:${port}`;
    const admin = new HttpClient(url);
    expect((await admin.post("/api/v1/auth/login", { username: "hq.drain", password: "long-enough-1" })).status).toBe(
      200,
    );

    await locks.query("LOCK TABLES orders WRITE, rfm_computations WRITE");
    expect((await admin.post("/api/v1/rfm/recompute")).status).toBe(202);
    await blockedOn(/rfm_computations/);
    const order = {
      order_no: "DRAIN-1",
      customer_ref: "wmDRAIN",
      paid_at: "2026-05-20T13:14:00+08:00",
      amount_cents: 12850,
      status: "paid",
    };
    const inFlight = fetch(`${url}/api/v1/orders`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}`, connection: "close" },
      body: JSON.stringify([order]),
    });
    await blockedOn(/orders/);
    const [lease] = await ds.query("SELECT last_status FROM job_leases WHERE name = ?", [RFM_RECOMPUTE_JOB]);
    expect(lease.last_status).toBe("running");

    const exited = once(child, "exit");
    child.kill("SIGTERM");
    await waitForOutput("shutting down");
    // no new connections while draining
    await expect(fetch(`${url}/api/v1/health`, { headers: { connection: "close" } })).rejects.toThrow();
    expect(child.exitCode).toBeNull(); // still waiting for the request and the job

    await locks.query("UNLOCK TABLES");
    const res = await inFlight;
    expect(res.status).toBe(200);
    const [code] = (await exited) as [number | null];
    expect(code, output).toBe(0);

    expect(await ds.query("SELECT order_no FROM orders WHERE order_no = 'DRAIN-1'")).toHaveLength(1);
    const leases: { name: string; last_status: string; lease_until: unknown }[] = await ds.query(
      "SELECT name, last_status, lease_until FROM job_leases",
    );
    expect(leases.filter((l) => l.last_status === "running" || l.lease_until !== null)).toEqual([]);
    const runs: { status: string }[] = await ds.query("SELECT status FROM rfm_computations");
    expect(runs.filter((r) => r.status === "running")).toEqual([]);
  });
});
