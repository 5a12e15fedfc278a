import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

const NOW = new Date("2026-11-07T00:00:00Z");
const daysAgo = (d: number) => new Date(NOW.getTime() - d * 86_400_000);

/**
 * Four scored customers and a prospect. Under the defaults (quantile): c1 important_develop/new,
 * c2 important_value/active, c3 general_retain/silent, c4 general_retain/churned, c5 prospect.
 * The candidate (threshold with a higher first monetary break, newDays 5, churnDays 140) moves
 * c1 to general_develop and active, and c3 to churned; the scores are worked out in the comments.
 */
describe(`RFM settings preview over HTTP (${testDialect()})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ clock: fixedClock(NOW) });
    const g = given(server.ds);
    const [c1, c2, c3, c4] = [await g.customer(), await g.customer(), await g.customer(), await g.customer()];
    await g.customer(); // c5: no orders
    // quantile R 4,3,2,1 / F 1,4,1,1 / M 3,4,1,2 (sums 10, 7, 10: High when score * 4 >= sum)
    // threshold R 5,4,2,2 / F 2,3,2,2 / M 1,4,1,1 (sums 13, 9, 7)
    await g.order({ customerId: c1.id, amountCents: 20_000, paidAt: daysAgo(10) });
    await g.order({ customerId: c2.id, amountCents: 60_000, paidAt: daysAgo(100) });
    await g.order({ customerId: c2.id, amountCents: 60_000, paidAt: daysAgo(50) });
    await g.order({ customerId: c3.id, amountCents: 5_000, paidAt: daysAgo(150) });
    await g.order({ customerId: c4.id, amountCents: 8_000, paidAt: daysAgo(200) });
    await g.user({ role: "hq_operator", username: "ops" });
    await g.store({ code: "S1" });
    await g.user({ role: "store_manager", username: "mgr", storeCodes: ["S1"] });
  });
  afterAll(() => server.stop());

  const signIn = async (username: string) => {
    const http = server.client();
    expect((await http.post("/api/v1/auth/login", { username, password: "correct-horse-9" })).status).toBe(200);
    return http;
  };
  const count = async (table: string) => num((await server.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const candidate = { method: "threshold", monetary: [30_000, 50_000, 100_000, 300_000], newDays: 5, churnDays: 140 };

  it("counts who would move, from current to candidate settings, and writes nothing", async () => {
    const http = await signIn("ops");
    const res = await http.post("/api/v1/rfm/settings/preview", candidate);
    expect(res.status).toBe(200);
    expect(res.body.asOf).toBe(NOW.toISOString());
    expect(res.body.current).toEqual({
      segments: { important_develop: 1, important_value: 1, general_retain: 2 },
      lifecycle: { new: 1, active: 1, silent: 1, churned: 1, prospect: 1 },
    });
    expect(res.body.candidate).toEqual({
      segments: { general_develop: 1, important_value: 1, general_retain: 2 },
      lifecycle: { active: 2, churned: 2, prospect: 1 },
    });
    expect(res.body.changed).toEqual({ segment: 1, lifecycle: 2, customers: 2 });
    expect(res.body.segmentMatrix).toEqual([
      { from: "general_retain", to: "general_retain", count: 2 },
      { from: "important_develop", to: "general_develop", count: 1 },
      { from: "important_value", to: "important_value", count: 1 },
      { from: null, to: null, count: 1 },
    ]);
    expect(res.body.lifecycleMatrix).toEqual([
      { from: "active", to: "active", count: 1 },
      { from: "churned", to: "churned", count: 1 },
      { from: "new", to: "active", count: 1 },
      { from: "prospect", to: "prospect", count: 1 },
      { from: "silent", to: "churned", count: 1 },
    ]);
    // nothing lasting: settings, figures, computations, history and the work table are untouched
    expect((await http.get("/api/v1/rfm/settings")).body.settings.method).toBe("quantile");
    for (const table of ["customer_rfm", "rfm_computations", "tag_history", "rfm_scratch"])
      expect(await count(table), table).toBe(0);
    expect(await count("audit_log WHERE action LIKE 'rfm%'")).toBe(0);
  });

  it("moves nobody when the candidate equals the current settings", async () => {
    const res = await (await signIn("ops")).post("/api/v1/rfm/settings/preview", {});
    expect(res.body.changed).toEqual({ segment: 0, lifecycle: 0, customers: 0 });
    expect(res.body.current).toEqual(res.body.candidate);
  });

  it("validates the candidate like a save, and is for HQ only", async () => {
    const http = await signIn("ops");
    const bad = await http.post("/api/v1/rfm/settings/preview", { churnDays: 50 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields).toEqual([{ field: "activeDays", reason: "must be less than churnDays" }]);
    const unknown = await http.post("/api/v1/rfm/settings/preview", { windowDays: 0 });
    expect(unknown.body.error.details.fields[0].field).toBe("windowDays");
    expect((await (await signIn("mgr")).post("/api/v1/rfm/settings/preview", {})).status).toBe(403);
  });
});
