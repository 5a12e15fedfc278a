import type { DataSource, EntityManager } from "typeorm";
import { dialectOf, execute, MAX_PARAMS, placeholders, type Dialect } from "../../db/dialect.ts";

/**
 * The only SQL of the group bot that differs between SQLite and MySQL/MariaDB, each beside its
 * twin: the multi-row upsert and the UPDATE … JOIN that adds a batch's deltas to group members.
 * Datetimes are bound as sqlTime() text, which compares in time order on SQLite.
 */

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

/**
 * `UPDATE group_members` adding per-member deltas given as literal rows (id, messages, last
 * message time): message_count grows, last_message_at moves forward only. The rows come in as a
 * derived table joined on the primary key: SQLite's VALUES list (columns column1…), and on MySQL /
 * MariaDB a UNION ALL of SELECTs (MariaDB names a VALUES table's columns after its first row).
 */
export function addToMembers(d: Dialect, rows: number, now: string): { sql: string; fixed: unknown[] } {
  const last = (gm: string) =>
    `CASE WHEN d.column3 IS NULL THEN ${gm}.last_message_at WHEN ${gm}.last_message_at IS NULL OR d.column3 > ${gm}.last_message_at THEN d.column3 ELSE ${gm}.last_message_at END`;
  if (d === "sqlite")
    return {
      sql: `UPDATE group_members SET message_count = MAX(0, group_members.message_count + d.column2),
                   last_message_at = ${last("group_members")}, updated_at = ?
              FROM (VALUES ${Array.from({ length: rows }, () => "(?, ?, ?)").join(", ")}) AS d
             WHERE d.column1 = group_members.id`,
      fixed: [now],
    };
  const first = "SELECT ? AS column1, ? AS column2, CAST(? AS DATETIME(3)) AS column3";
  return {
    sql: `UPDATE group_members gm
            JOIN (${[first, ...Array.from({ length: rows - 1 }, () => "SELECT ?, ?, ?")].join(" UNION ALL ")}) d
              ON d.column1 = gm.id
             SET gm.message_count = GREATEST(0, gm.message_count + d.column2), gm.last_message_at = ${last("gm")}, gm.updated_at = ?`,
    fixed: [now],
  };
}

/** The parameters of addToMembers: SQLite binds `now` first (SET before FROM), MySQL last. */
export function addToMembersParams(d: Dialect, values: unknown[], fixed: unknown[]): unknown[] {
  return d === "sqlite" ? [...fixed, ...values] : [...values, ...fixed];
}
