import type { DataSource, EntityManager } from "typeorm";
import type { IsolationLevel } from "typeorm/driver/types/IsolationLevel.js";
import { dialectOf, type Dialect } from "../../db/dialect.ts";

/**
 * The only SQL of the RFM engine that differs between SQLite and MySQL/MariaDB, each beside its
 * twin. Datetimes are UTC on both (SQLite: text `YYYY-MM-DD HH:MM:SS.SSS`, MySQL: datetime(3)),
 * instants are bound with sqlTime(), and nothing here depends on the session time zone.
 */
export interface RfmSql {
  readonly dialect: Dialect;
  /** Whole milliseconds from `earlier` to `later` (both datetime expressions or `?`). */
  msBetween(earlier: string, later: string): string;
  /** Integer division of two non-negative integer expressions (= floor). */
  div(a: string, b: string): string;
  /** String concatenation. */
  concat(...parts: string[]): string;
  /**
   * `orders <alias>` read by a full scan: the engine reads most orders, and one sequential pass
   * with a sort is several times faster than walking (customer_id, paid_at) with a row lookup per
   * order, which both planners otherwise pick.
   */
  allOrders(alias: string): string;
  /** `INSERT INTO customer_rfm (cols) <select>` that overwrites the rows of customers already there. */
  upsertCustomerRfm(columns: readonly string[], select: string): string;
  /**
   * `DELETE FROM customer_tags` the rows whose (customer_id, tag_id) `pairs` selects (columns named
   * so). MariaDB runs a single-table DELETE's IN-subquery once per row of the table, so it joins.
   */
  deleteCustomerTags(pairs: string): string;
  /**
   * Isolation for the engine's big reads: MySQL's REPEATABLE READ would put shared locks on every
   * order and customer an INSERT … SELECT reads, blocking imports and syncs for the whole run.
   */
  readonly bulkIsolation: IsolationLevel | undefined;
  /**
   * Session settings for the one aggregate over all orders, and their undo (the connection goes
   * back to the pool). MySQL's default 16 MB in-memory temporary tables turn a GROUP BY over
   * hundreds of thousands of customers into an on-disk table several times slower; memory is
   * only taken as the grouping needs it. SQLite runs in this process: its defaults keep our memory low.
   */
  readonly bulkSession: { enter: readonly string[]; leave: readonly string[] };
  /**
   * Rows of `select` (which must return `sort_key`) in byte order of `sort_key`, without holding
   * them all in memory. SQLite pages along its binary index; MySQL's index follows the column's
   * case-insensitive collation, so the server sorts once and streams.
   */
  inByteOrder<R extends { sort_key: string }>(
    ds: DataSource,
    q: { select: string; from: string; where: string; key: string; params: unknown[] },
    pageSize: number,
  ): AsyncGenerator<R[]>;
}

const sqlite: RfmSql = {
  dialect: "sqlite",
  // unixepoch(…, 'subsec') (SQLite ≥ 3.42) reads the text as UTC with milliseconds.
  msBetween: (earlier, later) =>
    `CAST(ROUND((unixepoch(${later}, 'subsec') - unixepoch(${earlier}, 'subsec')) * 1000) AS INTEGER)`,
  div: (a, b) => `((${a}) / (${b}))`,
  concat: (...parts) => `(${parts.join(" || ")})`,
  allOrders: (alias) => `orders ${alias} NOT INDEXED`,
  deleteCustomerTags: (pairs) => `DELETE FROM customer_tags WHERE (customer_id, tag_id) IN (${pairs})`,
  // `WHERE true` keeps SQLite from reading ON CONFLICT as a join constraint of the SELECT.
  upsertCustomerRfm: (columns, select) =>
    `INSERT INTO customer_rfm (${columns.join(", ")}) SELECT * FROM (${select}) WHERE true
     ON CONFLICT(customer_id) DO UPDATE SET ${columns
       .filter((c) => c !== "customer_id")
       .map((c) => `${c} = excluded.${c}`)
       .join(", ")}`,
  bulkIsolation: undefined,
  bulkSession: { enter: [], leave: [] },
  async *inByteOrder<R extends { sort_key: string }>(
    ds: DataSource,
    q: { select: string; from: string; where: string; key: string; params: unknown[] },
    pageSize: number,
  ) {
    let after: string | null = null;
    for (;;) {
      const rows: R[] = await ds.query(
        `SELECT ${q.select} FROM ${q.from} WHERE ${q.where}${after === null ? "" : ` AND ${q.key} > ?`}
          ORDER BY ${q.key} LIMIT ${Number(pageSize)}`,
        after === null ? q.params : [...q.params, after],
      );
      if (!rows.length) return;
      yield rows;
      if (rows.length < pageSize) return;
      after = rows[rows.length - 1].sort_key;
    }
  },
};

const mysql: RfmSql = {
  dialect: "mysql",
  msBetween: (earlier, later) => `(TIMESTAMPDIFF(MICROSECOND, ${earlier}, ${later}) DIV 1000)`,
  div: (a, b) => `((${a}) DIV (${b}))`,
  concat: (...parts) => `CONCAT(${parts.join(", ")})`,
  allOrders: (alias) => `orders ${alias} USE INDEX ()`,
  deleteCustomerTags: (pairs) =>
    `DELETE ct FROM customer_tags ct JOIN (${pairs}) d ON d.customer_id = ct.customer_id AND d.tag_id = ct.tag_id`,
  upsertCustomerRfm: (columns, select) =>
    `INSERT INTO customer_rfm (${columns.join(", ")}) ${select}
     ON DUPLICATE KEY UPDATE ${columns
       .filter((c) => c !== "customer_id")
       .map((c) => `${c} = VALUES(${c})`)
       .join(", ")}`,
  bulkIsolation: "READ COMMITTED",
  bulkSession: {
    enter: ["SET SESSION tmp_table_size = 1073741824, max_heap_table_size = 1073741824, sort_buffer_size = 67108864"],
    leave: ["SET SESSION tmp_table_size = DEFAULT, max_heap_table_size = DEFAULT, sort_buffer_size = DEFAULT"],
  },
  async *inByteOrder<R extends { sort_key: string }>(
    ds: DataSource,
    q: { select: string; from: string; where: string; key: string; params: unknown[] },
    pageSize: number,
  ) {
    const runner = ds.createQueryRunner();
    let ended = false;
    try {
      const stream = await runner.stream(
        `SELECT ${q.select} FROM ${q.from} WHERE ${q.where} ORDER BY ${q.key} COLLATE utf8mb4_bin`,
        q.params,
      );
      let page: R[] = [];
      for await (const row of stream as AsyncIterable<R>) {
        page.push(row);
        if (page.length >= pageSize) {
          yield page;
          page = [];
        }
      }
      ended = true;
      if (page.length) yield page;
    } finally {
      if (ended) await runner.release();
      else {
        // stopped mid-result: the connection still has rows in flight, so it must not go back to the pool
        const r = runner as unknown as { databaseConnection?: { destroy(): void }; isReleased: boolean };
        r.databaseConnection?.destroy();
        r.isReleased = true;
      }
    }
  },
};

export function rfmSql(db: DataSource | EntityManager): RfmSql {
  return dialectOf(db) === "sqlite" ? sqlite : mysql;
}
