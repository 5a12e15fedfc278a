import { createHash } from "node:crypto";
import type { DataSource } from "typeorm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrate, openDatabase } from "../db/database.ts";
import { parseDatabaseUrl } from "../db/database-url.ts";
import { num, sqlTime } from "../db/dialect.ts";
import { verifyPassword } from "../platform/passwords.ts";
import { isDatabaseEmpty, seedDemo, type DemoOptions, type DemoResult } from "./seed-demo.ts";

const NOW = new Date("2026-05-20T06:30:00.000Z");
const SMALL: DemoOptions = { seed: 7, customers: 300, orders: 2500, groups: 5, days: 14, now: NOW };

async function emptyDatabase(): Promise<DataSource> {
  const ds = await openDatabase(parseDatabaseUrl("sqlite::memory:"));
  await migrate(ds);
  return ds;
}

/** a digest of the customers and orders, in id order */
async function checksum(ds: DataSource): Promise<string> {
  const hash = createHash("sha256");
  for (const table of ["customers", "orders"]) {
    for (const row of await ds.query(`SELECT * FROM ${table} ORDER BY id`)) hash.update(JSON.stringify(row));
  }
  return hash.digest("hex");
}

async function seeded(opts: DemoOptions): Promise<{ ds: DataSource; result: DemoResult }> {
  const ds = await emptyDatabase();
  return { ds, result: await seedDemo(ds, opts) };
}

describe("seedDemo", () => {
  let ds: DataSource;
  let result: DemoResult;
  const one = async (sql: string) => num((await ds.query(sql))[0].n);

  beforeAll(async () => {
    ({ ds, result } = await seeded(SMALL));
  });
  afterAll(() => ds?.destroy());

  it("writes what it reports", async () => {
    expect(result).toMatchObject({ stores: 3, staff: 15, customers: 300, orders: 2500, groups: 5 });
    expect(await one("SELECT COUNT(*) AS n FROM stores")).toBe(result.stores);
    expect(await one("SELECT COUNT(*) AS n FROM staff")).toBe(result.staff);
    expect(await one("SELECT COUNT(*) AS n FROM customers")).toBe(result.customers);
    expect(await one("SELECT COUNT(*) AS n FROM follow_relations")).toBe(result.followRelations);
    expect(await one("SELECT COUNT(*) AS n FROM orders")).toBe(result.orders);
    expect(await one("SELECT COUNT(*) AS n FROM customer_groups")).toBe(result.groups);
    expect(await one("SELECT COUNT(*) AS n FROM group_members")).toBe(result.groupMembers);
    expect(await one("SELECT COUNT(*) AS n FROM group_activity_daily")).toBe(result.activityDays);
    expect(await isDatabaseEmpty(ds)).toBe(false);
  });

  it("creates demo logins whose passwords work", async () => {
    expect(result.users.map((u) => u.role).sort()).toEqual([
      "hq_admin",
      "hq_operator",
      "store_manager",
      "store_manager",
    ]);
    const admin = result.users.find((u) => u.role === "hq_admin")!;
    const [row] = await ds.query("SELECT password_hash FROM users WHERE username = ?", [admin.username]);
    expect(await verifyPassword(admin.password, row.password_hash)).toBe(true);
    expect(await one("SELECT COUNT(*) AS n FROM user_stores")).toBe(2);
  });

  it("keeps money in positive integer cents with refunds inside the amount", async () => {
    const orders: { amount_cents: number; refund_cents: number; status: string }[] = await ds.query(
      "SELECT amount_cents, refund_cents, status FROM orders",
    );
    for (const o of orders) {
      expect(Number.isInteger(o.amount_cents) && o.amount_cents > 0).toBe(true);
      expect(Number.isInteger(o.refund_cents) && o.refund_cents >= 0 && o.refund_cents <= o.amount_cents).toBe(true);
    }
    const statuses = new Set(orders.map((o) => o.status));
    expect([...statuses].sort()).toEqual(["cancelled", "paid", "refunded"]);
    expect(orders.some((o) => o.status === "paid" && o.refund_cents > 0)).toBe(true);
  });

  it("gives every buyer a follow relation, some two active ones, and leaves some prospects", async () => {
    expect(
      await one(
        `SELECT COUNT(DISTINCT customer_id) AS n FROM orders
          WHERE customer_id NOT IN (SELECT customer_id FROM follow_relations)`,
      ),
    ).toBe(0);
    expect(
      await one(
        `SELECT COUNT(*) AS n FROM (SELECT customer_id FROM follow_relations WHERE status = 'active'
           GROUP BY customer_id HAVING COUNT(*) = 2) t`,
      ),
    ).toBeGreaterThan(0);
    expect(
      await one("SELECT COUNT(*) AS n FROM customers WHERE id NOT IN (SELECT customer_id FROM orders)"),
    ).toBeGreaterThan(0);
  });

  it("records one identity row per key a customer has", async () => {
    const keys = await one(
      `SELECT SUM((external_userid IS NOT NULL) + (mobile IS NOT NULL) + (unionid IS NOT NULL)
                + (member_no IS NOT NULL)) AS n FROM customers`,
    );
    expect(await one("SELECT COUNT(*) AS n FROM customer_identities")).toBe(keys);
  });

  it("has `days` days of bot activity per group, matching the members' message counts", async () => {
    const perGroup: { n: number }[] = await ds.query(
      "SELECT COUNT(*) AS n FROM group_activity_daily WHERE source = 'bot' GROUP BY group_id",
    );
    expect(perGroup.map((g) => num(g.n))).toEqual([14, 14, 14, 14, 14]);
    expect(await one("SELECT SUM(messages) AS n FROM group_activity_daily")).toBe(
      await one("SELECT SUM(message_count) AS n FROM group_members"),
    );
    expect(
      await one(
        `SELECT COUNT(*) AS n FROM customer_groups g
          WHERE member_count <> (SELECT COUNT(*) FROM group_members m WHERE m.group_id = g.id AND m.left_at IS NULL)`,
      ),
    ).toBe(0);
  });

  it("puts no time at or after now", async () => {
    const columns: Record<string, string[]> = {
      stores: ["created_at", "updated_at"],
      staff: ["created_at", "updated_at"],
      customers: ["created_at", "updated_at"],
      customer_identities: ["created_at"],
      follow_relations: ["added_at", "ended_at", "created_at", "updated_at"],
      orders: ["paid_at", "created_at", "updated_at"],
      customer_groups: ["wecom_created_at", "created_at", "updated_at"],
      group_members: ["joined_at", "left_at", "last_message_at", "created_at", "updated_at"],
      group_activity_daily: ["updated_at"],
      users: ["created_at", "updated_at"],
    };
    for (const [table, cols] of Object.entries(columns)) {
      for (const col of cols) {
        const [row] = await ds.query(`SELECT MAX(${col}) AS t FROM ${table}`);
        expect(row.t === null || String(row.t) < sqlTime(NOW), `${table}.${col} = ${row.t}`).toBe(true);
      }
    }
  });

  it("refuses a database that is not empty", async () => {
    await expect(seedDemo(ds, SMALL)).rejects.toThrow(/database is not empty/);
  });
});

describe("seedDemo determinism", () => {
  it("makes the same corp from the same seed and another from another seed", async () => {
    const a = await seeded(SMALL);
    const b = await seeded(SMALL);
    const c = await seeded({ ...SMALL, seed: 8 });
    try {
      const sum = await checksum(a.ds);
      expect(await checksum(b.ds)).toBe(sum);
      expect(await checksum(c.ds)).not.toBe(sum);
      expect(b.result).toEqual(a.result);
    } finally {
      await Promise.all([a.ds.destroy(), b.ds.destroy(), c.ds.destroy()]);
    }
  });
});
