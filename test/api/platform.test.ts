import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

describe(`health, errors and headers (${testDialect()})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("is alive and ready", async () => {
    const http = server.client();
    expect(await http.get("/healthz").then((r) => [r.status, r.body])).toEqual([200, { status: "ok" }]);
    expect(await http.get("/readyz").then((r) => [r.status, r.body])).toEqual([
      200,
      { status: "ready", database: "ok" },
    ]);
  });

  it("answers unknown API routes with the error shape and a request id", async () => {
    const res = await server.client().get("/api/v1/no-such-thing");
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      error: { code: "not_found", message: "No route for GET /api/v1/no-such-thing", details: {} },
    });
    expect(res.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  });

  it("answers a known path called with another method 405 with the methods it allows", async () => {
    const res = await server.client().request("PATCH", "/api/v1/sidebar/bootstrap");
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("HEAD, GET");
    const orders = await server.client().request("GET", "/api/v1/orders");
    expect(orders.status).toBe(405);
    expect(orders.headers.get("allow")).toBe("POST");
  });

  it("keeps a sane incoming request id and replaces a hostile one", async () => {
    const http = server.client();
    expect((await http.get("/healthz", { "x-request-id": "lb-12345678" })).headers.get("x-request-id")).toBe(
      "lb-12345678",
    );
    expect((await http.get("/healthz", { "x-request-id": "<script>" })).headers.get("x-request-id")).not.toBe(
      "<script>",
    );
  });

  it("sends HSTS only over HTTPS, as a trusted proxy reports it", async () => {
    const behindProxy = await startTestServer({ env: { TRUST_PROXY: "true" } });
    try {
      const http = behindProxy.client();
      expect(
        (await http.get("/healthz", { "x-forwarded-proto": "https" })).headers.get("strict-transport-security"),
      ).toBe("max-age=15552000");
      expect(
        (await http.get("/healthz", { "x-forwarded-proto": "http" })).headers.get("strict-transport-security"),
      ).toBeNull();
    } finally {
      await behindProxy.stop();
    }
    // without TRUST_PROXY the header is a client's claim, not a fact
    expect(
      (await server.client().get("/healthz", { "x-forwarded-proto": "https" })).headers.get(
        "strict-transport-security",
      ),
    ).toBeNull();
  });

  it("refuses a body over the limit with 413", async () => {
    const res = await server.client().post("/api/v1/auth/login", { username: "x", password: "y".repeat(1_100_000) });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe("payload_too_large");
  });

  it("says not ready when the database is gone", async () => {
    const other = await startTestServer();
    await other.ds.destroy();
    const res = await other.client().get("/readyz");
    expect(res.status).toBe(503);
    expect(res.body.error.code).toBe("not_ready");
    await other.db.drop();
  });
});
