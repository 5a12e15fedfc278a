import { mkdirSync, openSync, closeSync, statSync, unlinkSync, writeSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { dirname } from "node:path";
import type { DataSource, DataSourceOptions, EntityManager, LoggerOptions } from "typeorm";
import mysql from "mysql2/promise";
import type { DatabaseTarget } from "./database-url.ts";
import { SnakeNamingStrategy } from "./naming-strategy.ts";

/**
 * The one file that knows which SQL dialect is in use. Everything else writes SQL that both
 * MySQL 8 / MariaDB 10.11 and SQLite accept, and asks here only where they truly differ.
 */

export type Dialect = "sqlite" | "mysql";

export function dialectOf(ds: DataSource | EntityManager): Dialect {
  const type = "connection" in ds ? ds.connection.options.type : ds.options.type;
  return type === "better-sqlite3" ? "sqlite" : "mysql"; // "mariadb" speaks the mysql dialect
}

export type ServerFlavor = "sqlite" | "mysql" | "mariadb";

export function dataSourceOptions(
  target: DatabaseTarget,
  parts: { entities: Function[]; migrations: Function[]; logging?: LoggerOptions; flavor?: ServerFlavor },
): DataSourceOptions {
  const common = {
    entities: parts.entities,
    migrations: parts.migrations,
    migrationsTableName: "migrations",
    synchronize: false,
    migrationsRun: false,
    namingStrategy: new SnakeNamingStrategy(),
    logging: parts.logging ?? (["error"] as LoggerOptions),
  };
  if (target.kind === "sqlite") {
    if (target.path !== ":memory:") mkdirSync(dirname(target.path), { recursive: true });
    return {
      ...common,
      type: "better-sqlite3",
      database: target.path,
      enableWAL: target.path !== ":memory:",
      prepareDatabase: (db: { pragma: (s: string) => unknown }) => {
        db.pragma("foreign_keys = ON");
        db.pragma("busy_timeout = 10000");
        db.pragma("synchronous = NORMAL");
      },
    };
  }
  return {
    ...common,
    // TypeORM reads MariaDB's information_schema (nullable defaults) correctly only as "mariadb".
    type: parts.flavor === "mariadb" ? "mariadb" : "mysql",
    host: target.host,
    port: target.port,
    username: target.user,
    password: target.password,
    database: target.database,
    charset: "utf8mb4_unicode_ci",
    // Dates cross the wire as UTC; SQL never relies on the session time zone (no NOW()).
    timezone: "Z",
    supportBigNumbers: true,
    bigNumberStrings: false,
    extra: { decimalNumbers: true, connectionLimit: 10 },
  };
}

/**
 * MySQL needs the database to exist before TypeORM connects (SQLite creates its file itself).
 * Returns which server answers, MySQL or MariaDB.
 */
export async function ensureDatabaseExists(target: DatabaseTarget): Promise<ServerFlavor> {
  if (target.kind !== "mysql") return "sqlite";
  const conn = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
  });
  try {
    await conn.query(
      `CREATE DATABASE IF NOT EXISTS \`${target.database}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`,
    );
    const [rows] = await conn.query("SELECT VERSION() AS v");
    return /mariadb/i.test(String((rows as { v: string }[])[0]?.v)) ? "mariadb" : "mysql";
  } finally {
    await conn.end();
  }
}

export async function dropDatabase(target: DatabaseTarget): Promise<void> {
  if (target.kind !== "mysql") return;
  const conn = await mysql.createConnection({
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
  });
  try {
    await conn.query(`DROP DATABASE IF EXISTS \`${target.database}\``);
  } finally {
    await conn.end();
  }
}

/**
 * Runs fn while holding a named database-wide lock, so that several processes starting together
 * apply migrations once. MySQL: GET_LOCK. SQLite: an exclusive lock file beside the database
 * (a lock older than the timeout is taken to be left by a crashed process).
 */
export async function withDatabaseLock<T>(
  ds: DataSource,
  name: string,
  timeoutS: number,
  fn: () => Promise<T>,
): Promise<T> {
  if (dialectOf(ds) === "sqlite") {
    const path = String(ds.options.database);
    if (path === ":memory:") return fn();
    return withLockFile(`${path}.${name.replace(/[^a-z0-9]/gi, "_")}.lock`, timeoutS, fn);
  }
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    const rows: { got: number | string | null }[] = await runner.query("SELECT GET_LOCK(?, ?) AS got", [
      name,
      timeoutS,
    ]);
    if (Number(rows[0]?.got) !== 1) throw new Error(`could not take database lock ${name} within ${timeoutS}s`);
    try {
      return await fn();
    } finally {
      await runner.query("SELECT RELEASE_LOCK(?)", [name]);
    }
  } finally {
    await runner.release();
  }
}

async function withLockFile<T>(file: string, timeoutS: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + timeoutS * 1000;
  let fd: number | undefined;
  while (fd === undefined) {
    try {
      fd = openSync(file, "wx");
      writeSync(fd, String(process.pid));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      try {
        if (Date.now() - statSync(file).mtimeMs > timeoutS * 1000) unlinkSync(file);
      } catch {
        /* removed by its holder meanwhile */
      }
      if (Date.now() > deadline) throw new Error(`could not take lock ${file} within ${timeoutS}s`, { cause: err });
      await sleep(50);
    }
  }
  try {
    return await fn();
  } finally {
    closeSync(fd);
    unlinkSync(file);
  }
}

/** A UTC time as both dialects accept it in a bound parameter of raw SQL: `2026-05-20 05:14:00.000`. */
export function sqlTime(date: Date): string {
  return date.toISOString().replace("T", " ").replace("Z", "");
}

/** MariaDB returns COUNT/SUM as strings or numbers depending on type; SQLite returns numbers. */
export function num(value: unknown): number {
  if (value === null || value === undefined) return 0;
  return typeof value === "number" ? value : Number(value);
}

/** Reads a datetime that raw SQL returned (Date on MySQL, text in UTC on SQLite). */
export function readTime(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value;
  const s = String(value);
  return new Date(s.includes("T") ? s : s.replace(" ", "T") + "Z");
}

/**
 * A JSON object built in SQL from column expressions, keyed by name: lets one statement return a
 * row's related rows (see jsonArrayAgg) instead of one round trip per relation. Keys are code-side
 * identifiers, never input.
 */
export function jsonObject(dialect: Dialect, fields: Record<string, string>): string {
  const args = Object.entries(fields)
    .map(([key, expr]) => `'${key}', ${expr}`)
    .join(", ");
  return dialect === "sqlite" ? `json_object(${args})` : `JSON_OBJECT(${args})`;
}

/**
 * Aggregate: a JSON array with one jsonObject per row. Neither database promises the order of the
 * elements (MySQL 8 has no ORDER BY inside JSON_ARRAYAGG), so callers select the sort keys and
 * sort in code. No rows gives NULL on MySQL and `[]` on SQLite: read it with readJsonArray.
 */
export function jsonArrayAgg(dialect: Dialect, fields: Record<string, string>): string {
  const obj = jsonObject(dialect, fields);
  return dialect === "sqlite" ? `json_group_array(${obj})` : `JSON_ARRAYAGG(${obj})`;
}

/** A JSON value raw SQL returned: text on SQLite and MariaDB, already parsed on MySQL 8. */
export function readJson<T>(value: unknown): T | null {
  if (value === null || value === undefined) return null;
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

export function readJsonArray<T>(value: unknown): T[] {
  return readJson<T[]>(value) ?? [];
}

/** INSERT that skips rows whose unique key already exists (used by idempotent bulk writes). */
export function insertIgnore(dialect: Dialect): string {
  return dialect === "sqlite" ? "INSERT OR IGNORE" : "INSERT IGNORE";
}

/** Largest number of bound parameters one statement may carry on both databases. */
export const MAX_PARAMS = 30000;

/** `YYYY-MM` of a datetime column, in UTC. */
export function monthOf(dialect: Dialect, column: string): string {
  return dialect === "sqlite" ? `strftime('%Y-%m', ${column})` : `DATE_FORMAT(${column}, '%Y-%m')`;
}

/** `?, ?, ?` for an IN list of n bound parameters (n >= 1). */
export function placeholders(n: number): string {
  return Array.from({ length: Math.max(n, 1) }, () => "?").join(", ");
}

/** Runs a write statement and returns how many rows it changed, on either database. */
export async function execute(db: DataSource | EntityManager, sql: string, params: unknown[] = []): Promise<number> {
  const em = "manager" in db ? db.manager : db;
  const runner = em.queryRunner ?? em.connection.createQueryRunner();
  try {
    const result = await runner.query(sql, params, true);
    return result.affected ?? 0;
  } finally {
    if (!em.queryRunner) await runner.release();
  }
}

/** Row lock for SELECT inside a transaction; SQLite's single writer already serialises. */
export function forUpdate(dialect: Dialect): string {
  return dialect === "sqlite" ? "" : " FOR UPDATE";
}

/** A multi-row INSERT that skips rows whose unique key exists (race-safe idempotent insert). */
export async function insertIgnoreRows(
  db: DataSource | EntityManager,
  table: string,
  columns: string[],
  rows: unknown[][],
): Promise<number> {
  let affected = 0;
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    const values = chunk.map(() => `(${placeholders(columns.length)})`).join(", ");
    affected += await execute(
      db,
      `${insertIgnore(dialectOf(db))} INTO ${table} (${columns.join(", ")}) VALUES ${values}`,
      chunk.flat(),
    );
  }
  return affected;
}

/** MySQL deadlock / lock-wait timeout and SQLite busy: the transaction may simply be run again. */
export function isRetryableTxError(err: unknown): boolean {
  const e = err as { errno?: number; code?: string; driverError?: { errno?: number; code?: string } };
  const errno = e?.errno ?? e?.driverError?.errno;
  const code = e?.code ?? e?.driverError?.code;
  return errno === 1213 || errno === 1205 || code === "SQLITE_BUSY";
}

/** A transaction that is re-run (up to `attempts` times) when the database picks it as a deadlock victim. */
export async function transactionWithRetry<T>(
  ds: DataSource,
  fn: (em: EntityManager) => Promise<T>,
  attempts = 4,
): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await ds.transaction(fn);
    } catch (err) {
      if (i >= attempts || !isRetryableTxError(err)) throw err;
      await sleep(20 * i + Math.floor(Math.random() * 30));
    }
  }
}

/** `YYYY-MM-DD` of a UTC datetime column in the business time zone (UTC+8, no daylight saving). */
export function localDayOf(dialect: Dialect, column: string): string {
  return dialect === "sqlite"
    ? `strftime('%Y-%m-%d', ${column}, '+8 hours')`
    : `DATE_FORMAT(DATE_ADD(${column}, INTERVAL 8 HOUR), '%Y-%m-%d')`;
}

/** String concatenation (MySQL's `||` is OR unless PIPES_AS_CONCAT). */
export function concatSql(dialect: Dialect, ...parts: string[]): string {
  return dialect === "sqlite" ? parts.join(" || ") : `CONCAT(${parts.join(", ")})`;
}

/** How an upsert combines an existing row's column with the incoming value. */
/** add: sum; max: the later; set: the new one; keep: the old unless null; fill: the new unless null. */
export type Merge = "add" | "max" | "set" | "keep" | "fill";

function mergeExpr(d: Dialect, table: string, column: string, how: Merge): string {
  const old = d === "sqlite" ? `${table}.${column}` : column;
  const neu = d === "sqlite" ? `excluded.${column}` : `VALUES(${column})`;
  switch (how) {
    case "add":
      return `${old} + ${neu}`;
    case "set":
      return neu;
    case "keep":
      return `COALESCE(${old}, ${neu})`;
    case "fill":
      return `COALESCE(${neu}, ${old})`;
    case "max":
      return `CASE WHEN ${old} IS NULL OR ${neu} > ${old} THEN ${neu} ELSE ${old} END`;
  }
}

/** Multi-row INSERT … ON CONFLICT/ON DUPLICATE KEY UPDATE, chunked to the parameter limit. */
export async function upsertRows(
  db: DataSource | EntityManager,
  table: string,
  columns: readonly string[],
  key: readonly string[],
  merge: Record<string, Merge>,
  rows: unknown[][],
): Promise<void> {
  if (!rows.length) return;
  const d = dialectOf(db);
  const sets = Object.entries(merge)
    .map(([c, how]) => `${c} = ${mergeExpr(d, table, c, how)}`)
    .join(", ");
  const tail =
    d === "sqlite" ? `ON CONFLICT(${key.join(", ")}) DO UPDATE SET ${sets}` : `ON DUPLICATE KEY UPDATE ${sets}`;
  await insertRows(db, "INSERT", table, columns, rows, tail);
}

/**
 * Multi-row `<verb> INTO table (columns) VALUES … <tail>`, chunked to the parameter limit, with
 * the statement text and parameters built in plain loops (the bot writes tens of thousands of rows
 * a batch); returns the rows changed.
 */
export async function insertRows(
  db: DataSource | EntityManager,
  verb: string,
  table: string,
  columns: readonly string[],
  rows: readonly unknown[][],
  tail = "",
): Promise<number> {
  const width = columns.length;
  const per = Math.max(1, Math.floor(MAX_PARAMS / width));
  const tuple = `(${placeholders(width)})`;
  let changed = 0;
  for (let i = 0; i < rows.length; i += per) {
    const n = Math.min(per, rows.length - i);
    const params: unknown[] = new Array(n * width);
    for (let r = 0; r < n; r++) {
      const row = rows[i + r]!;
      for (let c = 0; c < width; c++) params[r * width + c] = row[c];
    }
    const values = new Array<string>(n).fill(tuple).join(", ");
    changed += await execute(db, `${verb} INTO ${table} (${columns.join(", ")}) VALUES ${values} ${tail}`, params);
  }
  return changed;
}
