import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseDatabaseUrl, type DatabaseTarget } from "../../server/src/db/database-url.ts";
import { dropDatabase } from "../../server/src/db/dialect.ts";

export type TestDialect = "sqlite" | "mysql";

export function testDialect(): TestDialect {
  return process.env.SIYU_TEST_DB === "mysql" ? "mysql" : "sqlite";
}

export interface TestDatabase {
  url: string;
  target: DatabaseTarget;
  dataDir: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for one test file: a SQLite file in a temp folder, or a new MariaDB
 * database `siyu_t_<random>` on SIYU_TEST_MYSQL (default root@127.0.0.1:3306), dropped afterwards.
 */
export function createTestDatabase(dialect: TestDialect = testDialect()): TestDatabase {
  const dataDir = mkdtempSync(join(tmpdir(), "siyu-test-"));
  const url =
    dialect === "sqlite"
      ? `sqlite:${join(dataDir, "siyu.sqlite")}`
      : `${(process.env.SIYU_TEST_MYSQL ?? "mysql://root@127.0.0.1:3306").replace(/\/$/, "")}/siyu_t_${randomBytes(5).toString("hex")}`;
  const target = parseDatabaseUrl(url);
  return {
    url,
    target,
    dataDir,
    drop: async () => {
      await dropDatabase(target);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
