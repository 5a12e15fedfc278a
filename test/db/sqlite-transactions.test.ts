import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { num } from "../../server/src/db/dialect.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

describe(`overlapping transactions (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it("run side by side from one process without interfering, and a failed one rolls back alone", async () => {
    const now = "2026-01-01 00:00:00.000";
    const work = Array.from({ length: 20 }, (_, i) =>
      ds.transaction(async (em) => {
        await em.query("INSERT INTO stores (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)", [
          `S${i}`,
          "x",
          now,
          now,
        ]);
        await new Promise((r) => setTimeout(r, 5));
        if (i === 7) throw new Error("boom");
        await em.query("UPDATE stores SET name = ? WHERE code = ?", ["done", `S${i}`]);
      }),
    );
    const results = await Promise.allSettled(work);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    expect(num((await ds.query("SELECT COUNT(*) AS n FROM stores WHERE name = 'done'"))[0].n)).toBe(19);
    expect(num((await ds.query("SELECT COUNT(*) AS n FROM stores WHERE code = 'S7'"))[0].n)).toBe(0);
  });
});
