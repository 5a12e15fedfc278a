import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { JobLease } from "../../server/src/jobs/job-lease.entity.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `siyu` command as a user would, with its own environment. */
function siyu(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["server/bin/siyu.mjs", ...args], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
    });
    let stdout = "",
      stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * asOf 2026-06-01T00:00:00+08:00 = 2026-05-31T16:00:00Z. X bought 1 day before (10 000), Y 90 days
 * before (30 000), Z never. N = 2: R X 3 / Y 1, F tie 1 / 1 (both High), M X 1 / Y 3 →
 * X general_value (H H L) and new, Y important_keep (L H H) and silent (recency 90), Z prospect.
 */
const EXPORT = [
  "external_userid,recency_days,frequency,monetary_cents,r_score,f_score,m_score,segment,lifecycle",
  "wmX,1,1,10000,3,1,1,general_value,new",
  "wmY,90,1,30000,1,1,3,important_keep,silent",
  "wmZ,,,,,,,,prospect",
  "",
].join("\n");

describe(`siyu rfm (${testDialect()})`, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(async () => {
    db = createTestDatabase();
    env = { DATABASE_URL: db.url, DATA_DIR: db.dataDir };
    const ds = await openDatabase(db.target);
    try {
      await migrate(ds);
      const g = given(ds);
      const x = await g.customer({ externalUserid: "wmX" });
      const y = await g.customer({ externalUserid: "wmY" });
      await g.customer({ externalUserid: "wmZ" });
      await g.order({ customerId: x.id, paidAt: new Date("2026-05-30T16:00:00Z"), amountCents: 10000 });
      await g.order({ customerId: y.id, paidAt: new Date("2026-03-02T16:00:00Z"), amountCents: 30000 });
    } finally {
      await ds.destroy();
    }
  });
  afterAll(() => db.drop());

  it("recomputes as of an instant and exports the contract CSV", async () => {
    const run = await siyu(["rfm", "recompute", "--as-of", "2026-06-01T00:00:00+08:00"], env);
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "recompute done: computation #1 as of 2026-05-31T16:00:00.000Z, 2 of 3 customers scored (quantile)",
    );
    expect(run.stdout).toContain("important_keep 1");
    expect(run.stdout).toContain("general_value 1");
    expect(run.stdout).toContain("lifecycle: prospect 1, new 1, active 0, silent 1, churned 0");

    const file = join(db.dataDir, "rfm.csv");
    const exported = await siyu(["rfm", "export", "--out", file], env);
    expect(exported).toMatchObject({ code: 0, stdout: `exported 3 customers to ${file}\n` });
    expect(readFileSync(file, "utf8")).toBe(EXPORT);

    const piped = await siyu(["rfm", "export", "--out", "-"], env);
    expect(piped).toMatchObject({ code: 0, stdout: EXPORT });
  });

  it("refuses a bad --as-of or a missing --out as wrong usage", async () => {
    for (const asOf of ["2026-06-01", "2026-06-01T00:00:00", "2026-13-01T00:00:00Z", "yesterday"]) {
      const res = await siyu(["rfm", "recompute", "--as-of", asOf], env);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain("--as-of");
    }
    expect((await siyu(["rfm", "export"], env)).code).toBe(2);
  });

  it("does not run while another recompute holds the lease", async () => {
    const ds = await openDatabase(db.target);
    try {
      await ds.getRepository(JobLease).save({
        name: "rfm-recompute",
        owner: "a-server",
        leaseUntil: new Date(Date.now() + 60_000),
        lastSlot: "nightly:x",
        lastStartedAt: new Date(),
        lastStatus: "running",
        lastError: null,
        runCount: 1,
        lastFinishedAt: null,
      });
      const res = await siyu(["rfm", "recompute"], env);
      expect(res.code).toBe(1);
      expect(res.stderr).toContain("a recompute is already running");
    } finally {
      await ds.getRepository(JobLease).delete({ name: "rfm-recompute" });
      await ds.destroy();
    }
  });

  it("cannot write the export into a missing folder", async () => {
    const res = await siyu(["rfm", "export", "--out", join(db.dataDir, "no", "such", "dir.csv")], env);
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("cannot write");
  });
});
