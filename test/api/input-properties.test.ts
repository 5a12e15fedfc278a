import { afterAll, beforeAll, describe, expect, it } from "vitest";
import fc from "fast-check";
import vectors from "../../server/src/wecom/fixtures/official-vectors.json" with { type: "json" };
import { num } from "../../server/src/db/dialect.ts";
import { CustomerIdentity } from "../../server/src/modules/customers/customer.entity.ts";
import { CallbackCrypto } from "../../server/src/wecom/callback-crypto.ts";
import { WecomClient } from "../../server/src/wecom/wecom-client.ts";
import { given } from "../support/given.ts";
import type { HttpClient, HttpResult } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

/**
 * Hostile input, generated: whatever arrives, the server answers 2xx or 4xx (never 5xx), and a
 * refused request stores nothing. A fixed seed (FC_SEED overrides it) makes a failure replayable.
 */
const SEED = Number(process.env.FC_SEED ?? 20261124);
const RUNS = Number(process.env.FC_RUNS ?? 40);

async function check<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IAsyncPropertyWithHooks<Ts>,
  numRuns = RUNS,
): Promise<void> {
  try {
    await fc.assert(property, { seed: SEED, numRuns, endOnFailure: true });
  } catch (err) {
    console.error(`${name}: failed with fast-check seed ${SEED} (replay: FC_SEED=${SEED})`);
    throw err;
  }
}

const cfg = vectors.configA;
const ORDERS_HEADER = "order_no,customer_ref,paid_at,amount,refund_amount,status,store_code";
const CUSTOMERS_HEADER = "external_userid,name,mobile,unionid,gender,owner_userid,added_at,store_code";

/** Strings as people and programs send them: empty, spaces, quotes, control characters, any Unicode. */
const nasty = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ unit: "grapheme", maxLength: 20 }),
  fc.string({ unit: "binary", maxLength: 20 }),
  fc.constantFrom(
    "",
    " ",
    "null",
    "0",
    "-1",
    "1e309",
    "NaN",
    "'; DROP TABLE orders; --",
    '"',
    "\u0000",
    "𠮷😀",
    "%s%n",
  ),
  fc.string({ maxLength: 300 }),
);
const bigNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: 0, max: 100_000_000 }),
  fc.double(),
  fc.constantFrom(0, -1, 2 ** 31, 2 ** 32, 2 ** 53 - 1, Number.MAX_SAFE_INTEGER, 1e20, -0),
);

/** Mostly a valid value, sometimes something else: deep enough to reach the database, hostile enough to matter. */
const mostly = <T, U>(valid: fc.Arbitrary<T>, other: fc.Arbitrary<U>) =>
  fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: other });
const isoDate = fc
  .date({ min: new Date("2000-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString());
const code = fc.stringMatching(/^[A-Za-z0-9_-]{1,24}$/);

describe(`property-based hostile input (${testDialect()})`, () => {
  let s: TestServer;
  let admin: HttpClient;
  let apiKey = "";
  let customerId = 0;
  const sealer = new CallbackCrypto(cfg.token, cfg.encodingAESKey, cfg.receiveid);
  const count = async (table: string) => num((await s.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const counts = async (...tables: string[]) => Promise.all(tables.map(count));
  const no5xx = (res: HttpResult, what: string) => {
    if (res.status >= 500) throw new Error(`${what}: ${res.status} ${res.text.slice(0, 300)}`);
  };

  beforeAll(async () => {
    s = await startTestServer({
      startJobs: false,
      // the WeCom API is out of reach: stored events simply wait for a retry
      wecom: {
        client: new WecomClient({ baseUrl: "http://127.0.0.1:9/cgi-bin/", corpId: cfg.receiveid, secret: "unused" }),
        callbackCrypto: new CallbackCrypto(cfg.token, cfg.encodingAESKey, cfg.receiveid),
      },
      rateLimits: { apiKey: { max: 100_000, windowMs: 60_000 } },
    });
    const g = given(s.ds);
    const user = await g.user({ role: "hq_admin" });
    admin = s.client();
    expect((await admin.post("/api/v1/auth/login", { username: user.username, password: user.password })).status).toBe(
      200,
    );
    apiKey = (await admin.post("/api/v1/api-keys", { name: "fuzz" })).body.key;
    await g.store({ code: "P01" });
    const customer = await g.customer({ externalUserid: "wmP", name: "客户\u2028{{staff.name}}" });
    await g.follow(customer.id, (await g.staff({ name: "导购" })).id);
    customerId = customer.id;
    await s.ds
      .getRepository(CustomerIdentity)
      .insert({ customerId: customer.id, kind: "external_userid", value: "wmP", createdAt: new Date() });
  });
  afterAll(() => s?.stop());

  describe("orders API", () => {
    const orderItem = fc.oneof(
      {
        weight: 6,
        arbitrary: fc.record(
          {
            order_no: mostly(fc.oneof(fc.constantFrom("P-1", "P-2", "P-3"), code), fc.oneof(nasty, fc.integer())),
            customer_ref: mostly(fc.constantFrom("wmP", "unknown-ref"), fc.oneof(nasty, fc.constant(null))),
            paid_at: mostly(
              isoDate,
              fc.oneof(
                fc.constantFrom("2026-05-20T13:14:00+08:00", "2026-02-30T00:00:00Z", "+275760-09-13T00:00:00Z"),
                nasty,
              ),
            ),
            amount_cents: mostly(fc.integer({ min: 0, max: 10_000_000 }), bigNumber),
            refund_cents: mostly(fc.integer({ min: 0, max: 1000 }), fc.oneof(bigNumber, fc.constant(null))),
            status: mostly(fc.constantFrom("paid", "refunded", "cancelled"), nasty),
            store_code: mostly(fc.constantFrom("P01", null), fc.oneof(fc.constant("NOPE"), nasty)),
            extra: fc.jsonValue(),
          },
          { requiredKeys: ["order_no", "customer_ref", "paid_at", "amount_cents", "status"] },
        ),
      },
      {
        weight: 1,
        arbitrary: fc.dictionary(
          fc.constantFrom("toString", "constructor", "__proto__", "amount", "order_no"),
          fc.jsonValue(),
        ),
      },
      { weight: 1, arbitrary: fc.jsonValue() },
    );
    const body = fc.oneof(
      { weight: 3, arbitrary: fc.array(orderItem, { maxLength: 8 }) },
      { weight: 2, arbitrary: fc.record({ orders: fc.array(orderItem, { maxLength: 8 }) }) },
      { weight: 1, arbitrary: fc.jsonValue() },
    );

    it("answers 200 or 400, stores exactly the items it reports stored, and nothing for a refused body", async () => {
      let stored = 0;
      await check(
        "orders",
        fc.asyncProperty(body, async (sent) => {
          const [orders, jobs] = await counts("orders", "import_jobs");
          const res = await s.client().post("/api/v1/orders", sent === undefined ? null : sent, {
            authorization: `Bearer ${apiKey}`,
          });
          no5xx(res, "POST /orders");
          expect([200, 400]).toContain(res.status);
          const [ordersAfter, jobsAfter] = await counts("orders", "import_jobs");
          if (res.status === 400) {
            expect([ordersAfter, jobsAfter]).toEqual([orders, jobs]);
            return;
          }
          expect(ordersAfter - orders).toBe(res.body.inserted);
          stored += res.body.inserted + res.body.updated;
          expect(jobsAfter).toBe(jobs + 1);
          const items = (Array.isArray(sent) ? sent : (sent as { orders: unknown[] }).orders) as Record<
            string,
            unknown
          >[];
          for (const r of res.body.results as { index: number; order_no: string; status: string }[]) {
            if (r.status !== "inserted" && r.status !== "updated") continue;
            const [row] = await s.ds.query("SELECT amount_cents FROM orders WHERE order_no = ?", [r.order_no]);
            expect(num(row.amount_cents)).toBe(items[r.index]!.amount_cents);
          }
        }),
      );
      // the generator reaches the database, not only the validator
      expect(stored).toBeGreaterThan(0);
    });

    it("refuses a body over the 1 MB limit with 413 and stores nothing", async () => {
      const before = await counts("orders", "import_jobs");
      const big = JSON.stringify([{ order_no: "BIG-1", customer_ref: "x".repeat(1_100_000) }]);
      const res = await s.client().post("/api/v1/orders", big, { authorization: `Bearer ${apiKey}` });
      expect(res.status).toBe(413);
      expect(await counts("orders", "import_jobs")).toEqual(before);
      const many = Array.from({ length: 1001 }, (_, i) => ({ order_no: `MANY-${i}` }));
      expect((await s.client().post("/api/v1/orders", many, { authorization: `Bearer ${apiKey}` })).status).toBe(413);
      expect(await counts("orders", "import_jobs")).toEqual(before);
    });
  });

  it("treats Object.prototype's names as the unknown names they are (found by the properties below)", async () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty"]) {
      const content = { type: "text", text: `hi {{${name}}}` };
      const preview = await admin.post("/api/v1/materials/preview", { content });
      expect(preview.status, name).toBe(400);
      expect(preview.body.error.details.fields[0]).toMatchObject({ field: "content.text" });
      expect((await admin.post("/api/v1/materials", { title: name, content })).status, name).toBe(400);
    }
    const res = await s
      .client()
      .post("/api/v1/orders", [{ order_no: "PROTO-1", toString: 1, constructor: 2, amount: 3 }], {
        authorization: `Bearer ${apiKey}`,
      });
    expect(res.status).toBe(200);
    expect(res.body.results[0].errors).toEqual(
      expect.arrayContaining([
        { field: "toString", reason: "is not a field of an order" },
        { field: "constructor", reason: "is not a field of an order" },
        { field: "amount", reason: "use amount_cents (integer cents) in JSON" },
      ]),
    );
  });

  it("refuses JSON bodies over 1 MB on admin routes with 413 and stores nothing", async () => {
    const before = await counts("materials", "segments", "audit_log");
    const text = "字".repeat(400_000);
    for (const [path, body] of [
      ["/api/v1/materials", { title: "big", content: { type: "text", text } }],
      ["/api/v1/segments", { name: text, rule: { all: [] } }],
      ["/api/v1/segments/preview", { rule: { all: [{ field: "owner", op: "in", userids: [text] }] } }],
    ] as const) {
      const res = await admin.post(path, body);
      expect(res.status, path).toBe(413);
    }
    expect(await counts("materials", "segments", "audit_log")).toEqual(before);
  });

  it("answers any query string on every list route with 2xx or 4xx, for HQ and for a store manager", async () => {
    const manager = s.client();
    const m = await given(s.ds).user({ role: "store_manager", storeCodes: ["P01"] });
    expect((await manager.post("/api/v1/auth/login", { username: m.username, password: m.password })).status).toBe(200);
    const routes: string[] = [];
    for (const mw of s.app.koa.middleware as Array<{ router?: { stack: { path: string; methods: string[] }[] } }>)
      for (const layer of mw.router?.stack ?? [])
        if (layer.methods.includes("GET") && layer.path.startsWith("/api/v1/") && !layer.path.includes(":"))
          routes.push(layer.path);
    const key = fc.constantFrom(
      ..."page pageSize q status sort order kind type from to since until storeId storeIds staffId ownerId segment lifecycle tagIds tagId groupId alert action actor folderId limit cursor days asOf externalUserid chatId".split(
        " ",
      ),
    );
    const value = fc.oneof(
      fc.constantFrom(
        "1",
        "0",
        "-1",
        "20",
        "100",
        "101",
        "1e3",
        "2026-05-20",
        "2026-05-20T13:14:00+08:00",
        "all",
        "open",
      ),
      bigNumber.map(String),
      nasty,
    );
    await check(
      "list queries",
      fc.asyncProperty(
        fc.constantFrom(...routes),
        fc.array(fc.tuple(key, value), { maxLength: 5 }),
        fc.boolean(),
        async (path, pairs, asManager) => {
          const query = new URLSearchParams(pairs).toString();
          const res = await (asManager ? manager : admin).get(`${path}?${query}`);
          no5xx(res, `GET ${path}?${query}`);
        },
      ),
      RUNS * 3,
    );
  });

  describe("CSV importer", () => {
    /** A CSV field: plausible values, junk, and what breaks naive parsers (quotes, separators, newlines). */
    const field = fc.oneof(
      fc.constantFrom(
        "P-9",
        "wmP",
        "2026-05-20T13:14:00+08:00",
        "2026-05-20 13:14",
        "128.50",
        "1",
        "-5",
        "paid",
        "refunded",
        "P01",
        "",
      ),
      nasty,
      nasty.map((v) => `"${v.replaceAll('"', '""')}"`),
      fc.constantFrom('"unclosed', 'a"b', "x\ny", '"x\r\ny"', ",", "=cmd|' /C calc'!A0"),
    );
    const junkLine = fc.array(field, { minLength: 0, maxLength: 9 }).map((fields) => fields.join(","));
    const amount = fc.integer({ min: 0, max: 10_000_000 }).map((c) => (c / 100).toFixed(2));
    const validLine = {
      orders: fc
        .tuple(
          mostly(code, field),
          mostly(fc.constantFrom("wmP", "ref-x"), field),
          mostly(isoDate, field),
          mostly(amount, field),
          mostly(fc.constantFrom("", "0.50"), field),
          mostly(fc.constantFrom("paid", "refunded", "cancelled"), field),
          mostly(fc.constantFrom("P01", ""), field),
        )
        .map((cells) => cells.join(",")),
      customers: fc
        .tuple(
          mostly(
            code.map((c) => `wm${c}`),
            field,
          ),
          mostly(fc.constantFrom("张三", "Li", ""), field),
          mostly(fc.oneof(fc.constant(""), fc.stringMatching(/^1[3-9][0-9]{9}$/)), field),
          mostly(fc.constant(""), field),
          mostly(fc.constantFrom("0", "1", "2", ""), field),
          mostly(fc.constant(""), field),
          mostly(fc.oneof(isoDate, fc.constant("")), field),
          mostly(fc.constantFrom("P01", ""), field),
        )
        .map((cells) => cells.join(",")),
    };
    const csv = (header: string, line: fc.Arbitrary<string>) =>
      fc
        .record({
          bom: fc.boolean(),
          header: mostly(fc.constant(header), junkLine),
          lines: fc.array(mostly(line, junkLine), { maxLength: 12 }),
          eol: fc.constantFrom("\r\n", "\n", "\r"),
        })
        .map((c) => (c.bom ? "\uFEFF" : "") + [c.header, ...c.lines].join(c.eol));
    const body = (header: string, line: fc.Arbitrary<string>) =>
      fc.oneof(
        { weight: 5, arbitrary: csv(header, line) },
        { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 200 }) },
        { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
      );

    const finished = async (id: number) => {
      for (;;) {
        const res = await admin.get(`/api/v1/imports/${id}`);
        expect(res.status).toBe(200);
        if (res.body.job.status !== "running") return res.body.job;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    };

    for (const [kind, header, table] of [
      ["orders", ORDERS_HEADER, "orders"],
      ["customers", CUSTOMERS_HEADER, "customers"],
    ] as const)
      it(`imports ${kind}: 202 then a finished job whose counts are what was stored, or 400 and nothing`, async () => {
        const seen = { refused: 0, imported: 0 };
        await check(
          `${kind} CSV`,
          fc.asyncProperty(body(header, validLine[kind]), async (file) => {
            const before = await count(table);
            const res = await admin.request("POST", `/api/v1/imports/${kind}?filename=f.csv`, file, {
              "content-type": "text/csv",
            });
            no5xx(res, `POST /imports/${kind}`);
            expect([202, 400]).toContain(res.status);
            if (res.status === 400) {
              expect(await count(table)).toBe(before);
              seen.refused++;
              return;
            }
            const job = await finished(res.body.job.id);
            expect(job.status, job.error).toBe("done");
            expect(job.inserted + job.updated + job.unchanged + job.rejected).toBe(job.totalRows);
            expect((await count(table)) - before).toBe(job.inserted);
            seen.imported += job.inserted + job.updated;
            expect(await count(`import_errors WHERE job_id = ${Number(job.id)}`)).toBeGreaterThanOrEqual(job.rejected);
          }),
          Math.ceil(RUNS / 2),
        );
        expect(seen.refused).toBeGreaterThan(0);
        expect(seen.imported).toBeGreaterThan(0);
      });

    it("refuses a file over the upload limit with 413 and imports nothing", async () => {
      const before = await counts("orders", "import_jobs");
      const row = "BIG-1,wmP,2026-05-20T13:14:00+08:00,1,,paid,\r\n";
      const file = ORDERS_HEADER + "\r\n" + row.repeat(Math.ceil((51 * 1024 * 1024) / row.length));
      const res = await admin.request("POST", "/api/v1/imports/orders?filename=big.csv", file, {
        "content-type": "text/csv",
      });
      expect(res.status).toBe(413);
      expect(await counts("orders", "import_jobs")).toEqual(before);
    });
  });

  describe("segment rules", () => {
    const id = fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(2 ** 31, 2 ** 53 - 1), fc.integer());
    const ids = fc.array(id, { maxLength: 4 });
    const condition = fc.oneof(
      fc.record({
        field: fc.constant("segment"),
        op: fc.constantFrom("in", "not_in", "like"),
        values: fc.array(fc.oneof(fc.constantFrom("important_value", "general_keep"), nasty), { maxLength: 3 }),
      }),
      fc.record({
        field: fc.constant("score"),
        dimension: fc.constantFrom("r", "f", "m", "x"),
        range: fc.record({ min: bigNumber, max: bigNumber }, { requiredKeys: [] }),
      }),
      fc.record({
        field: fc.constant("figure"),
        figure: fc.constantFrom("recency_days", "frequency", "monetary_cents"),
        range: fc.record({ min: bigNumber, max: bigNumber }, { requiredKeys: [] }),
      }),
      fc.record({ field: fc.constant("tags"), op: fc.constantFrom("any", "all", "none"), tagIds: ids }),
      fc.record(
        { field: fc.constant("group_member"), op: fc.constantFrom("in", "not_in"), groupIds: ids },
        {
          requiredKeys: ["field", "op"],
        },
      ),
      fc.record({
        field: fc.constant("group_activity"),
        op: fc.constantFrom("active_within_days", "silent_for_days"),
        days: bigNumber,
      }),
      fc.record({ field: fc.constant("store"), op: fc.constantFrom("in", "not_in"), storeIds: ids }),
      fc.record({
        field: fc.constant("owner"),
        op: fc.constantFrom("in", "not_in"),
        userids: fc.array(nasty, { maxLength: 3 }),
      }),
      fc.record(
        {
          field: fc.constant("follow_date"),
          from: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            nasty,
          ),
          to: fc.oneof(
            fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
            nasty,
          ),
        },
        { requiredKeys: ["field"] },
      ),
      fc.record({
        field: fc.constant("channel_state"),
        op: fc.constantFrom("in", "prefix"),
        values: fc.array(nasty, { maxLength: 3 }),
      }),
      fc.record({ field: fc.constant("not_contacted_days"), days: bigNumber }),
      fc.record({ field: fc.constant("not_in_campaign"), campaignIds: ids }),
      fc.jsonValue(),
    );
    const { rule } = fc.letrec((tie) => ({
      rule: fc.oneof(
        { depthSize: "small" },
        fc.record({ all: fc.array(tie("node"), { maxLength: 4 }) }),
        fc.record({ any: fc.array(tie("node"), { maxLength: 4 }) }),
      ),
      node: fc.oneof({ depthSize: "small" }, condition, tie("rule")),
    }));

    it("previews any rule with 200 or 400, and saves one whole or not at all", async () => {
      const seen = { previewed: 0, saved: 0 };
      await check(
        "segment rules",
        fc.asyncProperty(rule, nasty, async (r, name) => {
          const preview = await admin.post("/api/v1/segments/preview", { rule: r });
          no5xx(preview, "POST /segments/preview");
          expect([200, 400]).toContain(preview.status);
          const before = await count("segments");
          const saved = await admin.post("/api/v1/segments", { name, rule: r });
          no5xx(saved, "POST /segments");
          expect([201, 400, 409]).toContain(saved.status);
          expect(await count("segments")).toBe(before + (saved.status === 201 ? 1 : 0));
          if (preview.status === 400 && saved.status === 201) throw new Error("a rule refused by preview was saved");
          if (preview.status === 200) seen.previewed++;
          if (saved.status === 201) seen.saved++;
        }),
      );
      expect(seen.previewed).toBeGreaterThan(0);
      expect(seen.saved).toBeGreaterThan(0);
    });
  });

  describe("material templates", () => {
    const template = fc
      .array(
        fc.oneof(
          fc.constantFrom("您好", "{{customer.name}}", "，新品到店", "{{store.name}}", "{{staff.name}}"),
          nasty,
          fc.constantFrom(
            "{{customer.name}}",
            "{{customer.remark}}",
            "{{ customer.name }}",
            "{{customer.password}}",
            "{{",
            "}}",
            "{{{customer.name}}}",
            "{{constructor}}",
            "{{__proto__}}",
            "{{customer.__proto__.x}}",
            "$&$'$`",
          ),
        ),
        { minLength: 1, maxLength: 8 },
      )
      .map((parts) => parts.join(""));
    const asset = mostly(
      fc.webUrl(),
      fc.oneof(fc.constantFrom("/uploads/" + "a".repeat(64) + ".png", "javascript:alert(1)"), nasty),
    );
    const content = fc.oneof(
      { weight: 4, arbitrary: fc.record({ type: fc.constant("text"), text: template }) },
      fc.record({ type: fc.constant("image"), image: asset, text: template }, { requiredKeys: ["type", "image"] }),
      fc.record(
        { type: fc.constant("link"), title: template, desc: template, url: asset, picUrl: asset, text: template },
        { requiredKeys: ["type", "title", "url"] },
      ),
      fc.record({
        type: fc.constant("miniprogram"),
        title: template,
        appid: mostly(fc.constant("wx0123456789abcdef"), nasty),
        page: template,
        picUrl: asset,
      }),
      fc.record({ type: fc.constant("file"), file: asset, fileName: nasty, size: bigNumber }),
      fc.jsonValue(),
    );
    it("previews and saves any template with 2xx or 4xx, and stores a material whole or not at all", async () => {
      const seen = { rendered: 0, saved: 0 };
      await check(
        "material templates",
        fc.asyncProperty(
          content,
          mostly(fc.constant(undefined), id()),
          mostly(fc.constantFrom("欢迎语", "Spring sale"), nasty),
          mostly(fc.constantFrom(undefined, null), id()),
          async (c, previewCustomer, title, folderId) => {
            const preview = await admin.post("/api/v1/materials/preview", {
              content: c,
              customerId: previewCustomer === undefined ? customerId : previewCustomer,
            });
            no5xx(preview, "POST /materials/preview");
            expect([200, 400, 404]).toContain(preview.status);
            const before = await count("materials");
            const saved = await admin.post("/api/v1/materials", { title, folderId, content: c });
            no5xx(saved, "POST /materials");
            expect([201, 400, 404]).toContain(saved.status);
            expect(await count("materials")).toBe(before + (saved.status === 201 ? 1 : 0));
            if (preview.status === 200 && preview.body.customer) seen.rendered++;
            if (saved.status === 201) seen.saved++;
          },
        ),
      );
      expect(seen.rendered).toBeGreaterThan(0);
      expect(seen.saved).toBeGreaterThan(0);
    });

    function id() {
      return fc.oneof(fc.integer({ min: 1, max: 1000 }), fc.constantFrom(2 ** 31, 2 ** 53 - 1), fc.integer());
    }
  });

  describe("WeCom callback", () => {
    const event = (n: string) =>
      `<xml><ToUserName><![CDATA[${cfg.receiveid}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
      `<CreateTime>1732400000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_tag]]></Event>` +
      `<Id><![CDATA[${n}]]></Id><TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType></xml>`;
    const envelope = (encrypt: string) =>
      `<xml><ToUserName><![CDATA[${cfg.receiveid}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1]]></AgentID></xml>`;
    const post = (q: Record<string, string>, body: string | Uint8Array) =>
      s.client().post(`/wecom/callback?${new URLSearchParams(q)}`, body, { "content-type": "text/xml" });
    let serial = 0;

    it("stores a genuine event once, however often it is replayed", async () => {
      const before = await count("wecom_events");
      const { encrypt, signature } = sealer.seal(event(`replay-${++serial}`), "1732400000", "n1");
      const q = { msg_signature: signature, timestamp: "1732400000", nonce: "n1" };
      for (let i = 0; i < 3; i++) expect((await post(q, envelope(encrypt))).text).toBe("success");
      // the same ciphertext under a fresh timestamp and nonce needs a signature only WeCom can make
      const forged = await post({ ...q, timestamp: "1732400999", nonce: "n2" }, envelope(encrypt));
      expect(forged.status).toBe(403);
      expect(await count("wecom_events")).toBe(before + 1);
    });

    it("refuses any tampering with the signature, query, ciphertext or body, and stores nothing", async () => {
      const tamper = fc.record({
        which: fc.constantFrom("signature", "timestamp", "nonce", "encrypt", "body", "drop"),
        junk: nasty,
        flip: fc.nat(),
      });
      await check(
        "callback tampering",
        fc.asyncProperty(tamper, async ({ which, junk, flip }) => {
          const { encrypt, signature } = sealer.seal(event(`tamper-${++serial}`), "1732400000", "n1");
          const q: Record<string, string> = { msg_signature: signature, timestamp: "1732400000", nonce: "n1" };
          let enc = encrypt;
          let body: string | undefined;
          const flipped = (v: string) => {
            const i = flip % v.length;
            // digits: the signature is compared case-insensitively, so a letter's case is no change
            const c = v[i] === "0" ? "1" : "0";
            return v.slice(0, i) + c + v.slice(i + 1);
          };
          if (which === "signature") q.msg_signature = flipped(signature);
          if (which === "timestamp") q.timestamp = q.timestamp + (junk || "1");
          if (which === "nonce") q.nonce = q.nonce + (junk || "1");
          if (which === "encrypt") enc = flipped(encrypt);
          if (which === "body") body = junk;
          if (which === "drop") delete q[["msg_signature", "timestamp", "nonce"][flip % 3]!];
          const before = await count("wecom_events");
          const res = await post(q, body ?? envelope(enc));
          no5xx(res, "POST /wecom/callback");
          expect([400, 403]).toContain(res.status);
          expect(await count("wecom_events")).toBe(before);
          // URL verification signs the echostr the same way: a tampered query or ciphertext fails there too
          if (which === "body") return;
          const get = await s.client().get(`/wecom/callback?${new URLSearchParams({ ...q, echostr: enc })}`);
          no5xx(get, "GET /wecom/callback");
          expect([400, 403]).toContain(get.status);
        }),
      );
    });

    it("refuses an oversized body with 413, signed or not, and stores nothing", async () => {
      const before = await count("wecom_events");
      const { encrypt, signature } = sealer.seal(event("x".repeat(70_000)), "1732400000", "n1");
      const q = { msg_signature: signature, timestamp: "1732400000", nonce: "n1" };
      expect((await post(q, envelope(encrypt))).status).toBe(413);
      expect(
        (await post({ msg_signature: "x", timestamp: "1", nonce: "2" }, "<xml>" + " ".repeat(70_000))).status,
      ).toBe(413);
      // the limit counts what arrives, not what Content-Length claims
      const res = await fetch(`${s.url}/wecom/callback?${new URLSearchParams(q)}`, {
        method: "POST",
        headers: { "content-type": "text/xml" },
        body: new ReadableStream({
          start(controller) {
            for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(" ".repeat(8192)));
            controller.close();
          },
        }),
        duplex: "half",
      } as RequestInit);
      expect(res.status).toBe(413);
      expect(await count("wecom_events")).toBe(before);
    });
  });
});
