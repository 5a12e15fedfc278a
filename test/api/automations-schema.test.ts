import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { Automations1732752000000 } from "../../migrations/1732752000000-automations.ts";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { automationEntities } from "../../server/src/modules/automations/automation.entity.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";
import { registerAutomationSchema } from "./automations-kit.ts";

describe(`automations migration (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  beforeAll(async () => {
    registerAutomationSchema();
    db = createTestDatabase();
    ds = await openDatabase(db.target);
  });
  afterAll(async () => {
    await ds?.destroy();
    await db?.drop();
  });

  const pending = async () => (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);

  it("runs up, down, up (and up again) and leaves exactly the schema the entities describe", async () => {
    await migrate(ds);
    expect(await pending()).toEqual([]);
    const runner = ds.createQueryRunner();
    try {
      const migration = new Automations1732752000000();
      await migration.down(runner);
      for (const e of automationEntities) expect(await runner.hasTable(ds.getMetadata(e).tableName)).toBe(false);
      await migration.up(runner);
      await migration.up(runner);
      for (const e of automationEntities) expect(await runner.hasTable(ds.getMetadata(e).tableName)).toBe(true);
    } finally {
      await runner.release();
    }
    expect(await pending()).toEqual([]);
  });
});
