import "reflect-metadata";
import { DataSource, type LoggerOptions } from "typeorm";
import { migrations } from "../../../migrations/index.ts";
import type { DatabaseTarget } from "./database-url.ts";
import { dataSourceOptions, ensureDatabaseExists, withDatabaseLock } from "./dialect.ts";
import { entities } from "./entities.ts";

export async function openDatabase(target: DatabaseTarget, logging?: LoggerOptions): Promise<DataSource> {
  const flavor = await ensureDatabaseExists(target);
  const ds = new DataSource(dataSourceOptions(target, { entities, migrations, logging, flavor }));
  await ds.initialize();
  return ds;
}

/** Applies pending migrations under a database lock, so concurrent starts migrate once. */
export async function migrate(ds: DataSource): Promise<string[]> {
  return withDatabaseLock(ds, "siyu:migrate", 120, async () => {
    const applied = await ds.runMigrations({ transaction: "each" });
    return applied.map((m) => m.name);
  });
}
