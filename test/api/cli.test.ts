import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real `siyu` command as a user would, with its own environment. */
function siyu(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
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

describe(`siyu CLI (${testDialect()})`, () => {
  let db: TestDatabase;
  let env: Record<string, string>;
  beforeAll(() => {
    db = createTestDatabase();
    env = { DATABASE_URL: db.url, DATA_DIR: db.dataDir };
  });
  afterAll(() => db.drop());

  it("has --help on every command and exit code 2 for wrong usage", async () => {
    const help = await siyu(["--help"]);
    expect(help.code).toBe(0);
    for (const area of ["start", "db", "seed", "users", "import", "rfm", "wecom"]) expect(help.stdout).toContain(area);
    const sub = await siyu(["seed", "demo", "--help"]);
    expect(sub.code).toBe(0);
    expect(sub.stdout).toContain("--customers");
    expect((await siyu(["frobnicate"])).code).toBe(2);
    const bad = await siyu(["seed", "demo", "--customers", "lots"], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--customers must be a whole number");
  });

  it("migrates, then finds nothing to do", async () => {
    const first = await siyu(["db", "migrate"], env);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain("applied: InitialSchema1732406400000");
    const again = await siyu(["db", "migrate"], env);
    expect(again.stdout).toContain("schema is up to date");
  });

  it("creates an admin account and refuses a duplicate or a weak password", async () => {
    const ok = await siyu(["users", "create", "--username", "root.admin", "--password", "long-enough-1"], env);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/created hq_admin root.admin/);
    const dup = await siyu(["users", "create", "--username", "root.admin", "--password", "long-enough-1"], env);
    expect(dup.code).toBe(1);
    expect(dup.stderr).toContain("already exists");
    const weak = await siyu(["users", "create", "--username", "weak.one", "--password", "short"], env);
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain("password: must be at least 8 characters");
  });

  it("seeds a small demo and syncs it from the simulator", async () => {
    const seeded = await siyu(["seed", "demo", "--customers", "200", "--orders", "1000", "--groups", "4"], env);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain("200 customers");
    const again = await siyu(["seed", "demo"], env);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("already holds a corp");
    const sync = await siyu(["wecom", "sync"], env);
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/sync done: 15 staff, \d+ customers, \d+ relations \(0 gone\), 0 corp tags, 4 groups/);
  });

  it("refuses to start with a bad DATABASE_URL, naming it", async () => {
    const res = await siyu(["start", "--no-build"], { DATABASE_URL: "postgres://nope/db", DATA_DIR: db.dataDir });
    expect(res.code).toBe(1);
    expect(res.stderr).toContain("DATABASE_URL");
  });

  it("refuses a live start with missing WeCom variables, naming each", async () => {
    const res = await siyu(["start", "--no-build"], { ...env, WECOM_MODE: "live", WECOM_CORP_ID: "ww1" });
    expect(res.code).toBe(1);
    for (const v of ["WECOM_SECRET", "WECOM_AGENT_ID", "WECOM_CALLBACK_TOKEN", "WECOM_CALLBACK_AES_KEY"])
      expect(res.stderr).toContain(v);
    expect(res.stderr).not.toContain("WECOM_CORP_ID");
  });

  it("refuses to start when the database cannot be reached", async () => {
    const res = await siyu(["start", "--no-build"], {
      DATABASE_URL: "mysql://root@127.0.0.1:1/siyu",
      DATA_DIR: db.dataDir,
    });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/could not start: .*ECONNREFUSED/);
  });
});
