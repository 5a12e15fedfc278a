import type { DataSource, EntityManager } from "typeorm";
import { dialectOf, type Dialect } from "../../db/dialect.ts";

/** The SQL of the groups module that differs between SQLite and MySQL/MariaDB, each beside its twin. */
export interface GroupsSql {
  readonly dialect: Dialect;
  /** Integer division of two non-negative integer expressions (= floor). */
  div(a: string, b: string): string;
  /** `INSERT INTO table (columns) <select>` that overwrites the other columns of rows whose `keys` exist. */
  upsertSelect(table: string, columns: readonly string[], keys: readonly string[], select: string): string;
  /** The same for `rows` rows of bound values. */
  upsertValues(table: string, columns: readonly string[], keys: readonly string[], rows: number): string;
}

const values = (columns: readonly string[], rows: number) =>
  Array.from({ length: rows }, () => `(${columns.map(() => "?").join(", ")})`).join(", ");
const others = (columns: readonly string[], keys: readonly string[]) => columns.filter((c) => !keys.includes(c));

const sqlite: GroupsSql = {
  dialect: "sqlite",
  div: (a, b) => `((${a}) / (${b}))`,
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
  upsertSelect: (table, columns, keys, select) =>
    `INSERT INTO ${table} (${columns.join(", ")}) SELECT * FROM (${select}) WHERE true
     ON CONFLICT(${keys.join(", ")}) DO UPDATE SET ${others(columns, keys)
       .map((c) => `${c} = excluded.${c}`)
       .join(", ")}`,
  upsertValues: (table, columns, keys, rows) =>
    `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values(columns, rows)}
     ON CONFLICT(${keys.join(", ")}) DO UPDATE SET ${others(columns, keys)
       .map((c) => `${c} = excluded.${c}`)
       .join(", ")}`,
};

const mysql: GroupsSql = {
  dialect: "mysql",
  div: (a, b) => `((${a}) DIV (${b}))`,
  upsertSelect: (table, columns, keys, select) =>
    `INSERT INTO ${table} (${columns.join(", ")}) ${select}
     ON DUPLICATE KEY UPDATE ${others(columns, keys)
       .map((c) => `${c} = VALUES(${c})`)
       .join(", ")}`,
  upsertValues: (table, columns, keys, rows) =>
    `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${values(columns, rows)}
     ON DUPLICATE KEY UPDATE ${others(columns, keys)
       .map((c) => `${c} = VALUES(${c})`)
       .join(", ")}`,
};

export function groupsSql(db: DataSource | EntityManager): GroupsSql {
  return dialectOf(db) === "sqlite" ? sqlite : mysql;
}
