import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

/** Sign-in failures and API keys are limited per window, with counters in the database. */
describe(`rate limits (${testDialect()})`, () => {
  const clock = fixedClock(new Date("2026-06-01T02:00:00Z"));
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({
      clock,
      rateLimits: { loginFailures: { max: 3, windowMs: 15 * 60_000 }, apiKey: { max: 2, windowMs: 60_000 } },
    });
  });
  afterAll(() => server.stop());

  it("refuses sign-in after too many failures, even with the right password, until the window ends", async () => {
    const user = await given(server.ds).user({ role: "hq_admin", username: "carol" });
    const http = server.client();
    const attempt = (password: string) => http.post("/api/v1/auth/login", { username: "carol", password });
    for (let i = 0; i < 3; i++) expect((await attempt("wrong-password")).status).toBe(401);
    const refused = await attempt(user.password);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe("rate_limited");
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
    // another username from the same address is still judged on its own
    const other = await given(server.ds).user({ role: "hq_admin", username: "dave" });
    expect((await http.post("/api/v1/auth/login", { username: "dave", password: other.password })).status).toBe(200);

    clock.advance(15 * 60_000);
    expect((await attempt(user.password)).status).toBe(200);
  });

  it("answers 429 to an API key past its requests per minute, and counts again next minute", async () => {
    const admin = await given(server.ds).user({ role: "hq_admin", username: "erin" });
    const http = server.client();
    expect((await http.post("/api/v1/auth/login", { username: "erin", password: admin.password })).status).toBe(200);
    const { key } = (await http.post("/api/v1/api-keys", { name: "POS" })).body as { key: string };
    const api = server.client();
    const send = () => api.post("/api/v1/orders", { orders: [] }, { authorization: `Bearer ${key}` });
    const statuses = [(await send()).status, (await send()).status, (await send()).status];
    expect(statuses.slice(0, 2)).not.toContain(429);
    expect(statuses[2]).toBe(429);
    clock.advance(60_000);
    expect((await send()).status).not.toBe(429);
  });
});
