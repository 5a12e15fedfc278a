import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";
import { importedState } from "./imports-test-app.ts";

/** The real binary once cli/main.ts mounts importCommands(); until then the stand-in beside this file. */
const SIYU = readFileSync("server/src/cli/main.ts", "utf8").includes("importCommands")
  ? "server/bin/siyu.mjs"
  : "test/api/imports-siyu.mjs";

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

const ORDERS_HEADER = "order_no,customer_ref,paid_at,amount,refund_amount,status,store_code";
const CUSTOMERS_HEADER = "external_userid,name,mobile,unionid,gender,owner_userid,added_at,store_code";

describe(`siyu import (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let env: Record<string, string>;
  const file = (name: string, content: string | Buffer) => {
    const path = join(db.dataDir, name);
    writeFileSync(path, content);
    return path;
  };
  const siyu = (args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      const child = spawn(process.execPath, [SIYU, ...args], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", LOG_LEVEL: "warn", ...env },
      });
      let stdout = "",
        stderr = "";
      child.stdout.on("data", (d) => (stdout += d));
      child.stderr.on("data", (d) => (stderr += d));
      child.on("close", (code) => resolve({ code, stdout, stderr }));
    });
  const count = async (table: string) => Number((await ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    db = createTestDatabase();
    env = { DATABASE_URL: db.url, DATA_DIR: db.dataDir };
    ds = await openDatabase(db.target);
    await migrate(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it("imports orders, lists each rejected row with file, line and column, and changes nothing the second time", async () => {
    const orders = file(
      "orders.csv",
      [
        ORDERS_HEADER,
        "C-1,wmCLI,2026-05-20T13:14:00+08:00,128.50,,paid,",
        'C-2,wmCLI,2026-05-21T13:14:00+08:00,9.90,,paid,"multi',
        'line store"',
        "C-3,wmCLI,2026-05-22T13:14:00+08:00,1.999,,paid,",
        "C-4,wmCLI,2026-05-23T13:14:00,5,,paid,",
        "C-5,13800000001,2026-05-24T13:14:00+08:00,66,,cancelled,",
        "",
      ].join("\n"),
    );
    const report = join(db.dataDir, "errors.csv");
    const first = await siyu(["import", "orders", orders, "--errors", report]);
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout.split("\n")).toEqual([
      expect.stringMatching(
        /^imported: 2 inserted, 0 updated, 0 unchanged, 3 rejected \(.*orders\.csv, 5 rows, import #\d+\)$/,
      ),
      `${orders}: line 3, column store_code: must not contain spaces`,
      `${orders}: line 5, column amount: at most 2 decimals`,
      `${orders}: line 6, column paid_at: must be ISO 8601 with an offset (+08:00 or Z), such as 2026-05-20T13:14:00+08:00`,
      "",
    ]);
    expect(readFileSync(report, "utf8")).toBe(
      "\uFEFFline,column,reason,raw\r\n" +
        '3,store_code,must not contain spaces,"C-2,wmCLI,2026-05-21T13:14:00+08:00,9.90,,paid,""multi\nline store"""\r\n' +
        '5,amount,at most 2 decimals,"C-3,wmCLI,2026-05-22T13:14:00+08:00,1.999,,paid,"\r\n' +
        '6,paid_at,"must be ISO 8601 with an offset (+08:00 or Z), such as 2026-05-20T13:14:00+08:00","C-4,wmCLI,2026-05-23T13:14:00,5,,paid,"\r\n',
    );
    expect(await count("orders")).toBe(2);
    const [job] = await ds.query("SELECT source, status, filename, actor FROM import_jobs ORDER BY id DESC LIMIT 1");
    expect(job).toMatchObject({
      source: "cli",
      status: "done",
      filename: "orders.csv",
      actor: expect.stringMatching(/^cli:/),
    });

    const before = await importedState(ds);
    const second = await siyu(["import", "orders", orders]);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^imported: 0 inserted, 0 updated, 2 unchanged, 3 rejected /);
    expect(await importedState(ds)).toEqual(before);
  });

  it("imports customers, and their waiting orders find them", async () => {
    const guide = await given(ds).staff({ userid: "cli.guide" });
    const customers = file(
      "customers.csv",
      "\uFEFF" +
        [
          CUSTOMERS_HEADER,
          "wmCLI,命令行客户,13800000001,,1,cli.guide,2026-05-01T10:00:00+08:00,",
          ",无主客户,13800000002,,,,,",
        ].join("\r\n"),
    );
    const res = await siyu(["import", "customers", customers]);
    expect(res.code).toBe(0);
    expect(res.stdout).toMatch(/^imported: 2 inserted, 0 updated, 0 unchanged, 0 rejected /);
    const [c] = await ds.query("SELECT id FROM customers WHERE external_userid = 'wmCLI'");
    const attached = await ds.query("SELECT order_no, customer_id FROM orders ORDER BY order_no");
    expect(
      attached.map((o: { order_no: string; customer_id: unknown }) => [o.order_no, Number(o.customer_id)]),
    ).toEqual([
      ["C-1", Number(c.id)],
      ["C-5", Number(c.id)],
    ]);
    expect(await ds.query("SELECT staff_id FROM follow_relations WHERE customer_id = ?", [c.id])).toEqual([
      { staff_id: guide.id },
    ]);
    const again = await siyu(["import", "customers", customers]);
    expect(again.stdout).toMatch(/^imported: 0 inserted, 0 updated, 2 unchanged, 0 rejected /);
  });

  it("refuses a missing file, a non-CSV file and a wrong header with exit 1, naming the file, storing nothing", async () => {
    const ordersBefore = await count("orders");
    const missing = await siyu(["import", "orders", join(db.dataDir, "nope.csv")]);
    expect(missing).toMatchObject({ code: 1, stdout: "" });
    expect(missing.stderr).toBe(`siyu: ${join(db.dataDir, "nope.csv")}: cannot read the file (ENOENT)\n`);

    const binary = file("sheet.xlsx", Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00]));
    const notCsv = await siyu(["import", "orders", binary]);
    expect(notCsv.code).toBe(1);
    expect(notCsv.stderr).toBe(
      `siyu: ${binary}: the file is not a CSV text file: binary data on line 1; export the sheet as "CSV UTF-8"\n`,
    );

    const wrong = file("wrong.csv", "order_no,amount\nX-1,1\n");
    const header = await siyu(["import", "orders", wrong]);
    expect(header.code).toBe(1);
    expect(header.stderr).toContain(
      `siyu: ${wrong}: wrong header on line 1: missing columns customer_ref, paid_at, refund_amount, status, store_code`,
    );
    expect(await count("orders")).toBe(ordersBefore);
    const failed = await ds.query("SELECT filename, status FROM import_jobs WHERE status = 'failed' ORDER BY id");
    expect(failed).toEqual([
      { filename: "sheet.xlsx", status: "failed" },
      { filename: "wrong.csv", status: "failed" },
    ]);
  });

  it("shows at most 50 rejected rows and points to --errors for the rest; wrong usage exits 2", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => `M-${i},wmCLI,2026-05-20T13:14:00+08:00,-1,,paid,`);
    const many = file("many.csv", [ORDERS_HEADER, ...rows].join("\n"));
    const res = await siyu(["import", "orders", many]);
    expect(res.code).toBe(0);
    const lines = res.stdout.trim().split("\n");
    expect(lines).toHaveLength(1 + 50 + 1);
    expect(lines[1]).toBe(`${many}: line 2, column amount: must not be negative`);
    expect(lines[51]).toBe("… and 10 more; full report with --errors FILE");

    expect((await siyu(["import", "orders"])).code).toBe(2);
    expect((await siyu(["import", "products", many])).code).toBe(2);
    const help = await siyu(["import", "orders", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("--errors <file>");
  });
});
