import { afterEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { entities } from "../../server/src/db/entities.ts";
import { migrations } from "../../migrations/index.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

const ALL = migrations.map((m) => new m().name);

describe(`migrations on ${testDialect()}`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  afterEach(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  it("run up, down, up and leave exactly the schema the entities describe", async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    expect(await migrate(ds)).toEqual(ALL);
    expect((await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);

    for (let i = 0; i < ALL.length; i++) await ds.undoLastMigration();
    const runner = ds.createQueryRunner();
    try {
      for (const e of entities) expect(await runner.hasTable(ds.getMetadata(e).tableName)).toBe(false);
    } finally {
      await runner.release();
    }

    expect(await migrate(ds)).toEqual(ALL);
    expect((await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query)).toEqual([]);
    // a second run finds nothing to do
    expect(await migrate(ds)).toEqual([]);
  });

  it("migrate from two connections at once applies each migration once", async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    const other = await openDatabase(db.target);
    try {
      const [a, b] = await Promise.all([migrate(ds), migrate(other)]);
      expect([...a, ...b].sort()).toEqual([...ALL].sort());
      const rows = await ds.query("SELECT COUNT(*) AS n FROM migrations");
      expect(Number(rows[0].n)).toBe(ALL.length);
    } finally {
      await other.destroy();
    }
  });
});
