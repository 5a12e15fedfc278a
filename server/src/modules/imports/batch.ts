import type { DataSource, EntityManager } from "typeorm";
import { MAX_PARAMS, dialectOf, execute, placeholders, transactionWithRetry } from "../../db/dialect.ts";
import type { RowProblem, RowStatus } from "./fields.ts";

/** What one batch did: a status per accepted row, and the rows it had to reject. */
export interface BatchResult {
  statuses: { line: number; status: RowStatus }[];
  problems: RowProblem[];
  /** unmatched orders that found their customer in this batch */
  attached: number;
}

/**
 * Thrown inside a batch's transaction when a concurrent writer took a key between our read and
 * our insert (insert-or-ignore inserted fewer rows than planned): the batch is rolled back and run
 * again, and then sees the other writer's row.
 */
export class RetryBatch extends Error {
  constructor(what: string) {
    super(`concurrent write on ${what}; batch retried`);
  }
}

function isDuplicateKey(err: unknown): boolean {
  const e = err as { errno?: number; code?: string; driverError?: { errno?: number; code?: string } };
  const errno = e?.errno ?? e?.driverError?.errno;
  const code = String(e?.code ?? e?.driverError?.code ?? "");
  return errno === 1062 || code.startsWith("SQLITE_CONSTRAINT_UNIQUE") || code.startsWith("SQLITE_BUSY");
}

/**
 * TypeORM's better-sqlite3 driver has one connection and one query runner per DataSource, so two
 * transactions that overlap in one process collide ("cannot start a transaction within a
 * transaction"). On SQLite the batches of this module therefore wait for each other. (The same
 * holds for every ds.transaction in the server; see the note in the report to the lead.)
 */
const sqliteTurns = new WeakMap<DataSource, Promise<unknown>>();

function oneAtATime<T>(ds: DataSource, fn: () => Promise<T>): Promise<T> {
  if (dialectOf(ds) !== "sqlite") return fn();
  const previous = sqliteTurns.get(ds) ?? Promise.resolve();
  const turn = previous.catch(() => undefined).then(fn);
  sqliteTurns.set(
    ds,
    turn.catch(() => undefined),
  );
  return turn;
}

/** One batch in one transaction: retried on deadlock (transactionWithRetry) and on a lost race. */
export async function inBatchTransaction<T>(ds: DataSource, fn: (em: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await oneAtATime(ds, () => transactionWithRetry(ds, fn));
    } catch (err) {
      if (attempt >= 4 || !(err instanceof RetryBatch || isDuplicateKey(err))) throw err;
    }
  }
}

export function chunk<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Runs `SELECT … IN (:list)` over any number of values (the list is bound in chunks). */
export async function selectIn<R>(
  em: EntityManager,
  sql: (list: string) => string,
  values: unknown[],
  params: unknown[] = [],
): Promise<R[]> {
  const out: R[] = [];
  for (const part of chunk([...new Set(values)], 5000)) {
    if (!part.length) continue;
    out.push(...((await em.query(sql(placeholders(part.length)), [...params, ...part])) as R[]));
  }
  return out;
}

/**
 * Set-based update of many rows by id, on both databases:
 * `UPDATE t SET a = CASE id WHEN ? THEN ? … END, … WHERE id IN (…)`.
 */
export async function updateRowsById(
  em: EntityManager,
  table: string,
  columns: string[],
  rows: { id: number; values: unknown[] }[],
): Promise<void> {
  const perRow = 2 * columns.length + 1;
  for (const part of chunk(rows, Math.max(1, Math.floor(MAX_PARAMS / perRow)))) {
    if (!part.length) continue;
    const params: unknown[] = [];
    const sets = columns.map((col, c) => {
      const whens = part.map((r) => {
        params.push(r.id, r.values[c]);
        return "WHEN ? THEN ?";
      });
      return `${col} = CASE id ${whens.join(" ")} END`;
    });
    params.push(...part.map((r) => r.id));
    await execute(em, `UPDATE ${table} SET ${sets.join(", ")} WHERE id IN (${placeholders(part.length)})`, params);
  }
}
