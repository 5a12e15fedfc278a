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
  if (flavor === "sqlite") serializeTransactions(ds);
  return ds;
}

/**
 * better-sqlite3 gives a DataSource one connection, so two transactions started at once would
 * interleave on it ("cannot start a transaction within a transaction"). Queue them instead, as
 * SQLite itself would with two connections. (MySQL has a pool: each transaction has its own.)
 */
function serializeTransactions(ds: DataSource): void {
  const run = ds.manager.transaction.bind(ds.manager) as (...args: unknown[]) => Promise<unknown>;
  let tail: Promise<unknown> = Promise.resolve();
  ds.manager.transaction = ((...args: unknown[]) => {
    const next = tail.then(() => run(...args));
    tail = next.catch(() => undefined);
    return next;
  }) as typeof ds.manager.transaction;
}

/** Applies pending migrations under a database lock, so concurrent starts migrate once. */
export async function migrate(ds: DataSource): Promise<string[]> {
  return withDatabaseLock(ds, "siyu:migrate", 120, async () => {
    const applied = await ds.runMigrations({ transaction: "each" });
    return applied.map((m) => m.name);
  });
}
