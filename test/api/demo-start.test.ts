import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

const counts = async (s: TestServer) =>
  (
    await s.ds.query(
      `SELECT (SELECT COUNT(*) FROM customers) AS customers, (SELECT COUNT(*) FROM orders) AS orders,
            (SELECT COUNT(*) FROM customer_groups) AS groups_, (SELECT COUNT(*) FROM users) AS users`,
    )
  )[0];

describe(`the demo's first start and restart (${testDialect()})`, () => {
  let db: TestDatabase;
  let first: TestServer;
  beforeAll(async () => {
    db = createTestDatabase();
    first = await startTestServer({ db, env: { SEED_DEMO_ON_START: "true" }, startJobs: false });
  });
  afterAll(async () => {
    await first.close();
    await db.drop();
  });

  it("seeds the demo corp into an empty database and shows it on the dashboard", async () => {
    expect(first.seeded).toMatchObject({ stores: 3, staff: 15, customers: 3000, orders: 25000, groups: 30 });
    const http = first.client();
    await http.post("/api/v1/auth/login", { username: "admin", password: "siyu-demo-admin" });
    const summary = (await http.get("/api/v1/dashboard/summary")).body;
    expect(summary).toMatchObject({ customers: 3000, groups: 30, staff: 15, stores: 3 });
    expect(summary.orders).toBe(
      num((await first.ds.query("SELECT COUNT(*) AS n FROM orders WHERE status = 'paid'"))[0].n),
    );
    expect(summary.ordersByMonth.length).toBeGreaterThanOrEqual(12);
  });

  it("moves like a live corp: a new customer and a group join arrive as callbacks from the simulator", async () => {
    const before = num((await first.ds.query("SELECT COUNT(*) AS n FROM customers"))[0].n);
    expect(await first.jobs.runNow("demo-activity")).toBe("ran");
    for (
      let i = 0;
      i < 100 && num((await first.ds.query("SELECT COUNT(*) AS n FROM wecom_events WHERE status = 'done'"))[0].n) < 2;
      i++
    )
      await new Promise((r) => setTimeout(r, 30));
    const [added] = await first.ds.query(
      `SELECT c.external_userid, f.state, f.status FROM customers c JOIN follow_relations f ON f.customer_id = c.id WHERE c.external_userid LIKE 'wmDEMO%'`,
    );
    expect(added).toMatchObject({ status: "active" });
    expect(num((await first.ds.query("SELECT COUNT(*) AS n FROM customers"))[0].n)).toBe(before + 1);
    const joined = await first.ds.query("SELECT m.left_at FROM group_members m WHERE m.member_id = ?", [
      added.external_userid,
    ]);
    expect(joined).toHaveLength(1);
  });

  it("keeps the data and does not seed again when started a second time", async () => {
    const was = await counts(first);
    await first.close();
    const second = await startTestServer({ db, env: { SEED_DEMO_ON_START: "true" }, startJobs: false });
    try {
      expect(second.seeded).toBeNull();
      expect(await counts(second)).toEqual(was);
    } finally {
      first = second;
    }
  });
});
