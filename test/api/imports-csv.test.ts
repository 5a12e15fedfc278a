import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { given } from "../support/given.ts";
import type { HttpClient } from "../support/http-client.ts";
import { testDialect } from "../support/test-db.ts";
import { CustomerIdentity } from "../../server/src/modules/customers/customer.entity.ts";
import { readCsv } from "../../server/src/modules/imports/csv.ts";
import { ImportService } from "../../server/src/modules/imports/import.service.ts";
import { attachUnmatchedOrders } from "../../server/src/modules/orders/order-importer.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { importedState, startImportsApp, type ImportsApp } from "./imports-test-app.ts";

const CUSTOMERS_HEADER = "external_userid,name,mobile,unionid,gender,owner_userid,added_at,store_code";
const ORDERS_HEADER = "order_no,customer_ref,paid_at,amount,refund_amount,status,store_code";
const csv = (...lines: string[]) => lines.join("\r\n") + "\r\n";

describe(`CSV imports in the admin center (${testDialect()})`, () => {
  let app: ImportsApp;
  let admin: HttpClient;

  /** Uploads a file and waits for its import to finish; returns the upload answer and the job. */
  async function upload(kind: "customers" | "orders", body: string | Uint8Array, filename = `${kind}.csv`) {
    const res = await admin.request("POST", `/api/v1/imports/${kind}?filename=${filename}`, body, {
      "content-type": "text/csv",
    });
    await app.idle();
    if (res.status !== 202) return { res, job: undefined, errors: [] };
    const got = await admin.get(`/api/v1/imports/${res.body.job.id}`);
    return {
      res,
      job: got.body.job,
      errors: got.body.errors as { line: number; columnName: string; reason: string }[],
    };
  }
  const count = async (table: string) => Number((await app.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);

  beforeAll(async () => {
    // small batches, so that every test crosses batch boundaries
    app = await startImportsApp({ batchSize: 3 });
    admin = await app.signedIn("hq_admin");
  });
  afterAll(() => app.stop());

  it("imports customers and orders; importing the same files again changes nothing", async () => {
    const store = await given(app.ds).store({ code: "SH01" });
    const guide = await given(app.ds).staff({ userid: "guide.li" });
    const customers = csv(
      CUSTOMERS_HEADER,
      "wmAAA,张三,13800000001,,1,guide.li,2026-05-01T10:00:00+08:00,SH01",
      ",李四,13800000002,unB2,2,,,",
      'wmCCC,"王, ""五""",,,0,guide.li,2026-05-02T10:00:00+08:00,',
      ",赵六,,unD4,,,,",
    );
    const orders = csv(
      ORDERS_HEADER,
      "SO-1,wmAAA,2026-05-20T13:14:00+08:00,128.50,,paid,SH01",
      "SO-2,13800000002,2026-05-21T10:00:00+08:00,99,10.5,paid,",
      "SO-3,unD4,2026-05-22T10:00:00Z,0.01,0.01,refunded,",
      "SO-4,nobody-yet,2026-05-23T10:00:00+08:00,50.00,,cancelled,",
    );

    const first = await upload("customers", customers);
    expect(first.res.status).toBe(202);
    expect(first.res.body.job).toMatchObject({
      kind: "customers",
      source: "csv",
      filename: "customers.csv",
      totalRows: 4,
    });
    expect(first.job).toMatchObject({
      status: "done",
      processedRows: 4,
      inserted: 4,
      updated: 0,
      unchanged: 0,
      rejected: 0,
    });
    const firstOrders = await upload("orders", orders);
    expect(firstOrders.job).toMatchObject({ status: "done", inserted: 4, rejected: 0 });

    const rows = await app.ds.query(
      "SELECT external_userid, name, mobile, unionid, gender, source FROM customers ORDER BY id",
    );
    expect(rows.map((r: Record<string, unknown>) => ({ ...r, gender: Number(r.gender) }))).toEqual([
      { external_userid: "wmAAA", name: "张三", mobile: "13800000001", unionid: null, gender: 1, source: "import" },
      { external_userid: null, name: "李四", mobile: "13800000002", unionid: "unB2", gender: 2, source: "import" },
      { external_userid: "wmCCC", name: '王, "五"', mobile: null, unionid: null, gender: 0, source: "import" },
      { external_userid: null, name: "赵六", mobile: null, unionid: "unD4", gender: 0, source: "import" },
    ]);
    expect(await count("customer_identities")).toBe(6);
    const follows = await app.ds.query(
      "SELECT c.external_userid, f.staff_id, f.added_at, f.status FROM follow_relations f JOIN customers c ON c.id = f.customer_id ORDER BY c.id",
    );
    expect(follows.map((f: Record<string, unknown>) => [f.external_userid, Number(f.staff_id), f.status])).toEqual([
      ["wmAAA", guide.id, "active"],
      ["wmCCC", guide.id, "active"],
    ]);
    expect(await app.ds.query("SELECT staff_id, store_id FROM staff_stores")).toEqual([
      { staff_id: guide.id, store_id: store.id },
    ]);
    const stored = await app.ds.query(
      `SELECT o.order_no, c.external_userid, c.mobile, c.unionid, o.amount_cents, o.refund_cents, o.status, o.store_id, o.source
         FROM orders o LEFT JOIN customers c ON c.id = o.customer_id ORDER BY o.order_no`,
    );
    expect(
      stored.map((o: Record<string, unknown>) => [
        o.order_no,
        o.external_userid ?? o.mobile ?? o.unionid ?? null,
        Number(o.amount_cents),
        Number(o.refund_cents),
        o.status,
        o.store_id === null ? null : Number(o.store_id),
        o.source,
      ]),
    ).toEqual([
      ["SO-1", "wmAAA", 12850, 0, "paid", store.id, "csv"],
      ["SO-2", "13800000002", 9900, 1050, "paid", null, "csv"],
      ["SO-3", "unD4", 1, 1, "refunded", null, "csv"],
      ["SO-4", null, 5000, 0, "cancelled", null, "csv"],
    ]);
    const paid = await app.ds.query("SELECT paid_at FROM orders WHERE order_no = 'SO-1'");
    expect(
      new Date(
        String(
          paid[0].paid_at instanceof Date ? paid[0].paid_at.toISOString() : paid[0].paid_at.replace(" ", "T") + "Z",
        ),
      ).toISOString(),
    ).toBe("2026-05-20T05:14:00.000Z");

    const before = await importedState(app.ds);
    await new Promise((r) => setTimeout(r, 20)); // a write now would show in updated_at
    const again = await upload("customers", customers);
    expect(again.job).toMatchObject({ status: "done", inserted: 0, updated: 0, unchanged: 4, rejected: 0 });
    const againOrders = await upload("orders", orders);
    expect(againOrders.job).toMatchObject({ status: "done", inserted: 0, updated: 0, unchanged: 4, rejected: 0 });
    expect(await importedState(app.ds)).toEqual(before);

    // a changed row is updated, and only that row
    const changed = await upload(
      "orders",
      orders.replace(
        "SO-2,13800000002,2026-05-21T10:00:00+08:00,99,10.5,paid",
        "SO-2,13800000002,2026-05-21T10:00:00+08:00,99,99,refunded",
      ),
    );
    expect(changed.job).toMatchObject({ inserted: 0, updated: 1, unchanged: 3 });
  });

  it("imports the good rows of a broken file and reports each bad one by line and column", async () => {
    await given(app.ds).customer({ externalUserid: "wmBRK", name: "客户" });
    const file = csv(
      ORDERS_HEADER, // 1
      "B-1,wmBRK,2026-05-20T13:14:00+08:00,10.00,,paid,", // 2
      'B-2,"wm', // 3: a quoted field over two lines
      'BRK",2026-05-20T13:14:00+08:00,10.00,,paid,', // 4
      "B-3,wmBRK,2026-05-20T13:14:00+08:00,10.005,,paid,", // 5
      "B-4,wmBRK,2026-05-20 13:14:00,10,,paid,", // 6
      "B-5,wmBRK,2026-05-20T13:14:00+08:00,10,20,paid,", // 7
      "B-6,wmBRK,2026-05-20T13:14:00+08:00,10,,shipped,", // 8
      "B-7,wmBRK,2026-05-20T13:14:00+08:00,10,,paid,NOPE", // 9
      "B-1,wmBRK,2026-05-21T13:14:00+08:00,11,,paid,", // 10
      "B-8,wmBRK,2026-05-20T13:14:00+08:00,10,,paid", // 11
      'B-9,wm"BRK,2026-05-20T13:14:00+08:00,10,,paid,', // 12
      "", // 13
      '"B-10","a ""quoted"" ref",2026-05-20T13:14:00+08:00,"1,000.00",,paid,', // 14
      "B-11,wmBRK,2026-05-20T13:14:00+08:00,7.5,,refunded,", // 15
    );
    const { res, job, errors } = await upload("orders", file, "broken.csv");
    expect(res.status).toBe(202);
    expect(job).toMatchObject({ status: "done", totalRows: 12, processedRows: 12, inserted: 2, rejected: 10 });
    expect(errors.map((e) => [e.line, e.columnName, e.reason])).toEqual([
      [3, "customer_ref", "must not contain spaces"],
      [5, "amount", "at most 2 decimals"],
      [6, "paid_at", "must be ISO 8601 with an offset (+08:00 or Z), such as 2026-05-20T13:14:00+08:00"],
      [7, "refund_amount", "cannot exceed amount"],
      [8, "status", "must be paid, refunded or cancelled"],
      [9, "store_code", "unknown store NOPE"],
      [10, "order_no", "B-1 repeats line 2 of this file"],
      [11, "store_code", "has 6 fields, the header has 7"],
      [12, "customer_ref", "a quote inside an unquoted field (quote the whole field and double the quote)"],
      [14, "customer_ref", "must not contain spaces"],
      [14, "amount", "must be an amount in yuan such as 128.50"],
    ]);
    expect(
      (await app.ds.query("SELECT order_no FROM orders WHERE order_no LIKE 'B-%' ORDER BY order_no")).map(
        (o: { order_no: string }) => o.order_no,
      ),
    ).toEqual(["B-1", "B-11"]);

    const report = await admin.get(`/api/v1/imports/${job.id}/errors.csv`);
    expect(report.status).toBe(200);
    expect(report.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(report.headers.get("content-disposition")).toBe(`attachment; filename="import-${job.id}-errors.csv"`);
    const records: string[][] = [];
    for await (const r of readCsv(report.text)) records.push(r.fields);
    expect(records[0]).toEqual(["line", "column", "reason", "raw"]);
    expect(records[1]).toEqual([
      "3",
      "customer_ref",
      "must not contain spaces",
      'B-2,"wm\r\nBRK",2026-05-20T13:14:00+08:00,10.00,,paid,',
    ]);
    expect(records).toHaveLength(12);

    // importing the same broken file again: the good rows unchanged, the bad ones reported again
    const again = await upload("orders", file, "broken.csv");
    expect(again.job).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: 10 });
  });

  it("refuses a file that is not CSV or has the wrong header, and stores nothing", async () => {
    const customersBefore = await count("customers");
    const ordersBefore = await count("orders");
    const errorsBefore = await count("import_errors");
    const xlsx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00, 0x08, 0x00, 0x00, 0x00, 0x21, 0x00]);
    const cases: [string, "customers" | "orders", string | Uint8Array, string, RegExp][] = [
      [
        "report.xlsx",
        "orders",
        xlsx,
        "file",
        /report.xlsx was refused: the file is not a CSV text file: binary data on line 1/,
      ],
      [
        "gbk.csv",
        "orders",
        new Uint8Array([...Buffer.from(ORDERS_HEADER + "\n"), 0xd5, 0xc5, 0xc8, 0xfd, 0x0a]),
        "file",
        /not UTF-8 text \(line 2\); save it as "CSV UTF-8"/,
      ],
      [
        "wrong.csv",
        "orders",
        csv("order_no,customer,paid_at,amount,status,store_code", "X-1,wmA,2026-05-20T13:14:00+08:00,1,paid,"),
        "header",
        /wrong header on line 1: missing columns customer_ref, refund_amount; unexpected column customer \(expected: order_no,customer_ref,paid_at,amount,refund_amount,status,store_code\)/,
      ],
      [
        "orders-as-customers.csv",
        "customers",
        csv(ORDERS_HEADER, "X-1,wmA,2026-05-20T13:14:00+08:00,1,,paid,"),
        "header",
        /missing columns external_userid, name/,
      ],
      [
        "open-quote.csv",
        "orders",
        csv(ORDERS_HEADER, "X-1,wmA,2026-05-20T13:14:00+08:00,1,,paid,", 'X-2,"wmA,2026-05-20T13:14:00+08:00,1,,paid,'),
        "file",
        /the quoted field that starts on line 3 is never closed/,
      ],
      ["empty.csv", "orders", "", "header", /the file is empty; expected the header order_no,customer_ref/],
    ];
    for (const [name, kind, body, field, message] of cases) {
      const { res } = await upload(kind, body, name);
      expect(res.status, name).toBe(400);
      expect(res.body.error.code).toBe("validation_failed");
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.details.fields).toEqual([{ field, reason: expect.any(String) }]);
    }
    expect(await count("customers")).toBe(customersBefore);
    expect(await count("orders")).toBe(ordersBefore);
    expect(await count("import_errors")).toBe(errorsBefore);
    const failed = (await admin.get("/api/v1/imports?pageSize=6")).body;
    expect(failed.items.map((j: { filename: string; status: string }) => [j.filename, j.status])).toEqual(
      cases.map(([name]) => [name, "failed"]).reverse(),
    );
    expect(failed.items[0].error).toMatch(/the file is empty/);
    expect(failed.total).toBeGreaterThanOrEqual(6);
  });

  it("keeps unmatched orders and attaches them when their customer arrives", async () => {
    const before = app.ordersImported();
    const orders = await upload(
      "orders",
      csv(
        ORDERS_HEADER,
        "U-1,13900000009,2026-05-20T13:14:00+08:00,10,,paid,",
        "U-2,unZ9,2026-05-21T13:14:00+08:00,20,,paid,",
        "U-3,unZ9,2026-05-22T13:14:00+08:00,30,,paid,",
      ),
    );
    expect(orders.job).toMatchObject({ inserted: 3 });
    expect(app.ordersImported()).toBe(before + 1);
    const unmatched = () =>
      app.ds.query("SELECT order_no, customer_id FROM orders WHERE order_no LIKE 'U-%' ORDER BY order_no");
    expect((await unmatched()).map((o: { customer_id: unknown }) => o.customer_id)).toEqual([null, null, null]);

    const customers = await upload("customers", csv(CUSTOMERS_HEADER, ",新客,13900000009,unZ9,,,,"));
    expect(customers.job).toMatchObject({ inserted: 1 });
    const [{ id }] = await app.ds.query("SELECT id FROM customers WHERE mobile = '13900000009'");
    expect((await unmatched()).map((o: { customer_id: unknown }) => Number(o.customer_id))).toEqual([
      Number(id),
      Number(id),
      Number(id),
    ]);
    expect(app.ordersImported()).toBe(before + 2);
  });

  it("matches customer_ref by external_userid, then mobile, then unionid, then member_no", async () => {
    const byMobile = await given(app.ds).customer({ externalUserid: null, mobile: "13700000001" });
    const byMember = await given(app.ds).customer({ memberNo: "13700000001" });
    const byExternal = await given(app.ds).customer({ externalUserid: "13700000002" });
    const byMobile2 = await given(app.ds).customer({ externalUserid: null, mobile: "13700000002" });
    const byUnion = await given(app.ds).customer({ unionid: "REF3" });
    const byMember3 = await given(app.ds).customer({ memberNo: "REF3" });
    const now = new Date();
    for (const [c, kind, value] of [
      [byMobile, "mobile", "13700000001"],
      [byMember, "member_no", "13700000001"],
      [byExternal, "external_userid", "13700000002"],
      [byMobile2, "mobile", "13700000002"],
      [byUnion, "unionid", "REF3"],
      [byMember3, "member_no", "REF3"],
    ] as const)
      await app.ds.getRepository(CustomerIdentity).insert({ customerId: c.id, kind, value, createdAt: now });
    await upload(
      "orders",
      csv(
        ORDERS_HEADER,
        "P-1,13700000001,2026-05-20T13:14:00+08:00,10,,paid,",
        "P-2,13700000002,2026-05-20T13:14:00+08:00,10,,paid,",
        "P-3,REF3,2026-05-20T13:14:00+08:00,10,,paid,",
      ),
    );
    const got = await app.ds.query(
      "SELECT order_no, customer_id FROM orders WHERE order_no LIKE 'P-%' ORDER BY order_no",
    );
    expect(got.map((o: { customer_id: unknown }) => Number(o.customer_id))).toEqual([
      byMobile.id,
      byExternal.id,
      byUnion.id,
    ]);

    // after a WeCom sync or callback: every unmatched order is looked at, by the same priority
    const late = await given(app.ds).order({ orderNo: "P-LATE", customerRef: "LATE1", customerId: null });
    const lateMember = await given(app.ds).customer({ memberNo: "LATE1" });
    const lateMobile = await given(app.ds).customer({ externalUserid: null, mobile: "LATE1" });
    await app.ds.getRepository(CustomerIdentity).insert([
      { customerId: lateMember.id, kind: "member_no", value: "LATE1", createdAt: now },
      { customerId: lateMobile.id, kind: "mobile", value: "LATE1", createdAt: now },
    ]);
    expect(await attachUnmatchedOrders(app.ds.manager)).toBe(1);
    const [attached] = await app.ds.query("SELECT customer_id FROM orders WHERE id = ?", [late.id]);
    expect(Number(attached.customer_id)).toBe(lateMobile.id);
    const state = await importedState(app.ds);
    expect(await attachUnmatchedOrders(app.ds.manager)).toBe(0);
    expect(await importedState(app.ds)).toEqual(state);
  });

  it("updates a customer found by any of its keys instead of duplicating it, and rejects conflicting keys", async () => {
    const now = new Date();
    const wecom = await given(app.ds).customer({
      externalUserid: "wmW1",
      unionid: "unW1",
      name: "微信名",
      source: "wecom",
    });
    const other = await given(app.ds).customer({ externalUserid: "wmW2", mobile: "13600000005" });
    for (const [c, kind, value] of [
      [wecom, "external_userid", "wmW1"],
      [wecom, "unionid", "unW1"],
      [other, "external_userid", "wmW2"],
      [other, "mobile", "13600000005"],
      [other, "unionid", "unW2"],
    ] as const)
      await app.ds.getRepository(CustomerIdentity).insert({ customerId: c.id, kind, value, createdAt: now });
    const customersBefore = await count("customers");

    const merged = await upload("customers", csv(CUSTOMERS_HEADER, ",会员名,13600000001,unW1,2,,,"));
    expect(merged.job).toMatchObject({ inserted: 0, updated: 1, rejected: 0 });
    expect(await count("customers")).toBe(customersBefore);
    const [row] = await app.ds.query("SELECT name, mobile, gender, source FROM customers WHERE id = ?", [wecom.id]);
    expect({ ...row, gender: Number(row.gender) }).toEqual({
      name: "会员名",
      mobile: "13600000001",
      gender: 2,
      source: "wecom",
    });
    const keys = await app.ds.query("SELECT kind, value FROM customer_identities WHERE customer_id = ? ORDER BY kind", [
      wecom.id,
    ]);
    expect(keys).toEqual([
      { kind: "external_userid", value: "wmW1" },
      { kind: "mobile", value: "13600000001" },
      { kind: "unionid", value: "unW1" },
    ]);

    const conflicts = await upload(
      "customers",
      csv(
        CUSTOMERS_HEADER,
        "wmNEW,,13600000001,,,,,", // 2: the mobile's customer is another WeCom contact
        "wmW1,,,unOTHER,,,,", // 3: a different unionid
        ",,13600000005,unW1,,,,", // 4: two keys of two customers
        ",,13600000009,,,nobody,2026-05-01T10:00:00+08:00,", // 5
        ",,13600000008,,,,,NOPE", // 6
        "wmW2,,,,,,,", // 7: found, unchanged
        ",,,unW2,,,,", // 8: the same customer as line 7, by another key
      ),
    );
    expect(conflicts.job).toMatchObject({ inserted: 0, updated: 0, unchanged: 1, rejected: 6 });
    expect(conflicts.errors.map((e) => [e.line, e.columnName, e.reason])).toEqual([
      [2, "external_userid", "the customer found by mobile already has external_userid wmW1"],
      [3, "unionid", "the customer found by external_userid already has unionid unW1"],
      [4, "unionid", "unW1 already identifies another customer than mobile 13600000005"],
      [5, "owner_userid", "unknown staff member nobody (sync staff from WeCom first)"],
      [6, "store_code", "unknown store NOPE"],
      [8, "unionid", "matches the same customer as line 7"],
    ]);
    expect(await count("customers")).toBe(customersBefore);
  });

  it("keeps whole batches when an import stops mid-file, and running the file again completes it", async () => {
    const lines = Array.from({ length: 10 }, (_, i) => `S-${i},wmSTOP,2026-05-20T13:14:00+08:00,${i + 1},,paid,`);
    const text = csv(ORDERS_HEADER, ...lines);
    const imports = new ImportService(app.ds, systemClock, { batchSize: 3 });
    let opened = 0;
    // the check reads the whole file; the import's read breaks after line 8 (as a crash would)
    const breaking = async function* () {
      yield Buffer.from(csv(ORDERS_HEADER, ...lines.slice(0, 7)));
      throw new Error("disk went away");
    };
    await expect(
      imports.run({
        kind: "orders",
        source: "cli",
        filename: "stop.csv",
        actor: null,
        open: () => (++opened === 1 ? text : breaking()),
      }),
    ).rejects.toThrow("disk went away");
    const stopped = await app.ds.query("SELECT order_no FROM orders WHERE order_no LIKE 'S-%' ORDER BY order_no");
    expect(stopped.map((o: { order_no: string }) => o.order_no)).toEqual(["S-0", "S-1", "S-2", "S-3", "S-4", "S-5"]);
    const [job] = await app.ds.query(
      "SELECT status, error, processed_rows FROM import_jobs WHERE filename = 'stop.csv'",
    );
    expect(job).toMatchObject({
      status: "failed",
      error: expect.stringMatching(
        /^stopped at line 8: disk went away; the rows before were imported in whole batches/,
      ),
    });
    expect(Number(job.processed_rows)).toBe(6);

    const rerun = await imports.run({
      kind: "orders",
      source: "cli",
      filename: "stop.csv",
      actor: null,
      open: () => text,
    });
    expect(rerun).toMatchObject({ status: "done", inserted: 4, unchanged: 6, rejected: 0 });
    expect(await count("orders WHERE order_no LIKE 'S-%'")).toBe(10);
  });

  it("stores each customer and order once when two imports of one file run at the same time", async () => {
    const customers = csv(
      CUSTOMERS_HEADER,
      ...Array.from({ length: 40 }, (_, i) => `,同时${i},1350000${String(i).padStart(4, "0")},,,,,`),
    );
    const orders = csv(
      ORDERS_HEADER,
      ...Array.from(
        { length: 40 },
        (_, i) => `T-${i},1350000${String(i).padStart(4, "0")},2026-05-20T13:14:00+08:00,1,,paid,`,
      ),
    );
    const imports = new ImportService(app.ds, systemClock, { batchSize: 7 });
    const run = (kind: "customers" | "orders", text: string) =>
      imports.run({ kind, source: "csv", filename: `${kind}-twice.csv`, actor: null, open: () => text });
    const jobs = await Promise.all([
      run("orders", orders),
      run("customers", customers),
      run("customers", customers),
      run("orders", orders),
    ]);
    expect(jobs.map((j) => j.status)).toEqual(["done", "done", "done", "done"]);
    expect(jobs[1]!.inserted + jobs[2]!.inserted).toBe(40);
    expect(jobs[0]!.inserted + jobs[3]!.inserted).toBe(40);
    expect(await count("customers WHERE mobile LIKE '1350000%'")).toBe(40);
    expect(await count("customer_identities WHERE value LIKE '1350000%'")).toBe(40);
    expect(await count("orders WHERE order_no LIKE 'T-%'")).toBe(40);
    expect(await count("orders WHERE order_no LIKE 'T-%' AND customer_id IS NULL")).toBe(0);
  });

  it("lets HQ import, keeps others out, and wants the file as the raw body", async () => {
    const body = csv(ORDERS_HEADER, "R-1,wmR,2026-05-20T13:14:00+08:00,1,,paid,");
    const headers = { "content-type": "text/csv" };
    expect((await app.client().request("POST", "/api/v1/imports/orders", body, headers)).status).toBe(401);
    const manager = await app.signedIn("store_manager");
    expect((await manager.request("POST", "/api/v1/imports/orders", body, headers)).status).toBe(403);
    expect((await manager.get("/api/v1/imports")).status).toBe(403);
    const operator = await app.signedIn("hq_operator");
    const ok = await operator.request("POST", "/api/v1/imports/orders", body, headers);
    expect(ok.status).toBe(202);
    expect(ok.body.job).toMatchObject({ status: "running", filename: null, actor: expect.any(String) });
    const plain = await operator.request("POST", "/api/v1/imports/orders?filename=a.txt", body, {
      "content-type": "text/plain",
    });
    expect(plain.status).toBe(202);
    const json = await operator.post("/api/v1/imports/orders", { csv: body });
    expect(json.status).toBe(415);
    expect(json.body.error.message).toMatch(/Content-Type: text\/csv/);
    await app.idle();
    expect((await operator.get("/api/v1/imports/999999")).status).toBe(404);
    expect((await operator.get("/api/v1/imports/abc")).status).toBe(400);
  });
});
