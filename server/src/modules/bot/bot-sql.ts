import type { Dialect } from "../../db/dialect.ts";

/**
 * The only SQL of the group bot that differs between SQLite and MySQL/MariaDB, each beside its
 * twin: the UPDATE … JOIN that adds a batch's deltas to group members (multi-row upserts are the
 * dialect module's upsertRows).
 * Datetimes are bound as sqlTime() text, which compares in time order on SQLite.
 */

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
