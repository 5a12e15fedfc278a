import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerIdentity } from "../../server/src/modules/customers/customer.entity.ts";
import { given } from "../support/given.ts";
import type { HttpClient } from "../support/http-client.ts";
import { testDialect } from "../support/test-db.ts";
import { importedState, startImportsApp, type ImportsApp } from "./imports-test-app.ts";

const order = (p: Record<string, unknown> = {}) => ({
  order_no: "A-1",
  customer_ref: "wmAPI",
  paid_at: "2026-05-20T13:14:00+08:00",
  amount_cents: 12850,
  status: "paid",
  ...p,
});

describe(`orders API with API keys (${testDialect()})`, () => {
  let app: ImportsApp;
  let admin: HttpClient;
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  async function newKey(name = "POS") {
    const res = await admin.post("/api/v1/api-keys", { name });
    expect(res.status).toBe(201);
    return res.body as { apiKey: { id: number; prefix: string }; key: string };
  }

  beforeAll(async () => {
    app = await startImportsApp();
    admin = await app.signedIn("hq_admin");
  });
  afterAll(() => app.stop());

  it("creates a key shown once and stored hashed, lists it without secrets, revokes it", async () => {
    const created = await admin.post("/api/v1/api-keys", { name: "ERP nightly" });
    expect(created.status).toBe(201);
    const { apiKey, key } = created.body;
    expect(key).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
    expect(apiKey).toMatchObject({
      name: "ERP nightly",
      prefix: key.slice(0, 12),
      scopes: ["orders:write"],
      revokedAt: null,
    });
    expect(JSON.stringify(apiKey)).not.toContain(key.slice(12));

    const [row] = await app.ds.query("SELECT prefix, key_hash FROM api_keys WHERE id = ?", [apiKey.id]);
    expect(row).toEqual({ prefix: key.slice(0, 12), key_hash: createHash("sha256").update(key).digest("hex") });

    const list = await admin.get("/api/v1/api-keys");
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ page: 1, total: expect.any(Number) });
    const listed = list.body.items.find((k: { id: number }) => k.id === apiKey.id);
    expect(Object.keys(listed).sort()).toEqual(
      ["createdAt", "createdBy", "id", "lastUsedAt", "name", "prefix", "revokedAt", "scopes"].sort(),
    );
    expect(list.text).not.toContain(key.slice(12));

    const api = app.client();
    expect((await api.post("/api/v1/orders", [order({ order_no: "K-1" })], bearer(key))).status).toBe(200);
    const used = await admin.get("/api/v1/api-keys");
    expect(used.body.items.find((k: { id: number }) => k.id === apiKey.id).lastUsedAt).not.toBeNull();

    const revoked = await app.client().request("DELETE", `/api/v1/api-keys/${apiKey.id}`);
    expect(revoked.status).toBe(401);
    const del = await admin.request("DELETE", `/api/v1/api-keys/${apiKey.id}`);
    expect(del.status).toBe(200);
    expect(del.body.apiKey.revokedAt).not.toBeNull();
    const refused = await api.post("/api/v1/orders", [order({ order_no: "K-2" })], bearer(key));
    expect(refused.status).toBe(401);
    expect(refused.body.error).toEqual({
      code: "unauthorized",
      message: "The API key is invalid or revoked",
      details: {},
    });
    expect((await admin.request("DELETE", "/api/v1/api-keys/999999")).status).toBe(404);

    const audit = await app.ds.query(
      "SELECT action, entity, entity_id FROM audit_log WHERE entity = 'api_key' AND entity_id = ? ORDER BY id",
      [String(apiKey.id)],
    );
    expect(audit).toEqual([
      { action: "api_key.create", entity: "api_key", entity_id: String(apiKey.id) },
      { action: "api_key.revoke", entity: "api_key", entity_id: String(apiKey.id) },
    ]);
    // revoking again changes nothing
    expect((await admin.request("DELETE", `/api/v1/api-keys/${apiKey.id}`)).status).toBe(200);
    expect(
      await app.ds.query("SELECT id FROM audit_log WHERE entity = 'api_key' AND entity_id = ?", [String(apiKey.id)]),
    ).toHaveLength(2);
  });

  it("lets only hq_admin manage keys", async () => {
    expect((await app.client().get("/api/v1/api-keys")).status).toBe(401);
    const operator = await app.signedIn("hq_operator");
    expect((await operator.post("/api/v1/api-keys", { name: "mine" })).status).toBe(403);
    expect((await operator.get("/api/v1/api-keys")).status).toBe(403);
    const bad = await admin.post("/api/v1/api-keys", { name: " ", scopes: ["everything"] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual(["name", "scopes.0"]);
  });

  it("answers 401 without a key or with a wrong one", async () => {
    const api = app.client();
    const none = await api.post("/api/v1/orders", [order()]);
    expect(none.status).toBe(401);
    expect(none.body.error.message).toMatch(/Authorization: Bearer/);
    expect(none.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await api.post("/api/v1/orders", [order()], bearer("sk_live_" + "x".repeat(32)))).status).toBe(401);
    expect((await api.post("/api/v1/orders", [order()], { "x-api-key": "nope" })).status).toBe(401);
    expect(await app.ds.query("SELECT id FROM orders WHERE order_no = 'A-1'")).toEqual([]);
  });

  it("stores the valid orders, reports the invalid ones by index and field, and changes nothing on a repeat", async () => {
    const { key } = await newKey();
    const customer = await given(app.ds).customer({ externalUserid: "wmAPI" });
    await app.ds
      .getRepository(CustomerIdentity)
      .insert({ customerId: customer.id, kind: "external_userid", value: "wmAPI", createdAt: new Date() });
    const store = await given(app.ds).store({ code: "API01" });
    const body = {
      orders: [
        order({ order_no: "API-1", store_code: "API01" }),
        order({ order_no: "API-2", amount_cents: "128.50" }),
        order({ order_no: "API-3", customer_ref: "unknown-ref", refund_cents: 100, status: "refunded" }),
        order({ order_no: "API-4", paid_at: "2026-05-20 13:14", status: "shipped" }),
        order({ order_no: "API-5", store_code: "NOPE" }),
        order({ order_no: "API-1" }),
        order({ order_no: "API-6", amount: "12.00" }),
        "not an order",
      ],
    };
    const before = app.ordersImported();
    const res = await app.client().post("/api/v1/orders", body, { "x-api-key": key });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ inserted: 2, updated: 0, unchanged: 0, rejected: 6 });
    expect(res.body.results).toEqual([
      { index: 0, order_no: "API-1", status: "inserted" },
      {
        index: 1,
        order_no: "API-2",
        status: "rejected",
        errors: [{ field: "amount_cents", reason: "must be an integer number of cents" }],
      },
      { index: 2, order_no: "API-3", status: "inserted" },
      {
        index: 3,
        order_no: "API-4",
        status: "rejected",
        errors: [
          { field: "paid_at", reason: expect.stringMatching(/^must be ISO 8601 with an offset/) },
          { field: "status", reason: "must be paid, refunded or cancelled" },
        ],
      },
      {
        index: 4,
        order_no: "API-5",
        status: "rejected",
        errors: [{ field: "store_code", reason: "unknown store NOPE" }],
      },
      {
        index: 5,
        order_no: "API-1",
        status: "rejected",
        errors: [{ field: "order_no", reason: "repeats index 0 of this request" }],
      },
      {
        index: 6,
        order_no: "API-6",
        status: "rejected",
        errors: [{ field: "amount", reason: "use amount_cents (integer cents) in JSON" }],
      },
      { index: 7, order_no: null, status: "rejected", errors: [{ field: "(item)", reason: "must be an object" }] },
    ]);
    expect(app.ordersImported()).toBe(before + 1);
    const stored = await app.ds.query(
      "SELECT order_no, customer_id, amount_cents, refund_cents, status, store_id, source FROM orders WHERE order_no LIKE 'API-%' ORDER BY order_no",
    );
    expect(
      stored.map((o: Record<string, unknown>) =>
        Object.values(o).map((v) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v)),
      ),
    ).toEqual([
      ["API-1", customer.id, 12850, 0, "paid", store.id, "api"],
      ["API-3", null, 12850, 100, "refunded", null, "api"],
    ]);
    const [job] = await app.ds.query(
      "SELECT source, status, total_rows, inserted, rejected, actor FROM import_jobs WHERE id = ?",
      [res.body.jobId],
    );
    expect(job).toMatchObject({ source: "api", status: "done", actor: `api_key:${key.slice(0, 12)}` });
    expect(Number(job.rejected)).toBe(6);
    const errors = await app.ds.query("SELECT line, column_name FROM import_errors WHERE job_id = ? ORDER BY id", [
      res.body.jobId,
    ]);
    expect(errors.map((e: { line: number; column_name: string }) => `${e.line}:${e.column_name}`)).toEqual([
      "2:amount_cents",
      "4:paid_at",
      "4:status",
      "5:store_code",
      "6:order_no",
      "7:amount",
      "8:(item)",
    ]);

    const snapshot = await importedState(app.ds);
    const again = await app.client().post("/api/v1/orders", body.orders.slice(0, 3), bearer(key));
    expect(again.body).toMatchObject({ inserted: 0, updated: 0, unchanged: 2, rejected: 1 });
    expect(await importedState(app.ds)).toEqual(snapshot);
    expect(app.ordersImported()).toBe(before + 1);

    const changed = await app
      .client()
      .post("/api/v1/orders", [order({ order_no: "API-3", customer_ref: "wmAPI" })], bearer(key));
    expect(changed.body.results).toEqual([{ index: 0, order_no: "API-3", status: "updated" }]);
    const [api3] = await app.ds.query("SELECT customer_id, status, refund_cents FROM orders WHERE order_no = 'API-3'");
    expect([Number(api3.customer_id), api3.status, Number(api3.refund_cents)]).toEqual([customer.id, "paid", 0]);
  });

  it("refuses more than 1 000 orders with 413 and a body that is not a list with 400", async () => {
    const { key } = await newKey();
    const many = Array.from({ length: 1001 }, (_, i) => order({ order_no: `M-${i}` }));
    const big = await app.client().post("/api/v1/orders", many, bearer(key));
    expect(big.status).toBe(413);
    expect(big.body.error).toMatchObject({
      code: "payload_too_large",
      message: expect.stringMatching(/At most 1000 orders per request; this one has 1001/),
    });
    expect(await app.ds.query("SELECT id FROM orders WHERE order_no LIKE 'M-%'")).toEqual([]);

    const exactly = await app.client().post("/api/v1/orders", many.slice(0, 1000), bearer(key));
    expect(exactly.status).toBe(200);
    expect(exactly.body).toMatchObject({ inserted: 1000, rejected: 0 });

    for (const [body, type] of [
      [{ order_no: "x" }, "application/json"],
      ["just text", "text/plain"],
    ] as const) {
      const res = await app.client().post("/api/v1/orders", body, { ...bearer(key), "content-type": type });
      expect(res.status).toBe(400);
      expect(res.body.error.details.fields).toEqual([{ field: "(body)", reason: "must be an array of orders" }]);
    }
    const empty = await app.client().post("/api/v1/orders", [], bearer(key));
    expect(empty.body).toMatchObject({ inserted: 0, rejected: 0, results: [] });
  });
});
