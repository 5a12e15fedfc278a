import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DataSource } from "typeorm";
import type { DatabaseTarget } from "../src/db/database-url.ts";
import { dropDatabase, MAX_PARAMS } from "../src/db/dialect.ts";

/** A new, empty database for one bench run: a SQLite file in a temp folder, or siyu_bench_<random> on MySQL. */
export function freshDatabase(db: "sqlite" | "mysql"): { url: string; dir: string | null } {
  if (db === "sqlite") {
    const dir = mkdtempSync(join(tmpdir(), "siyu-bench-"));
    return { url: `sqlite:${join(dir, "bench.sqlite")}`, dir };
  }
  const base = (process.env.SIYU_BENCH_MYSQL ?? "mysql://root@127.0.0.1:3306").replace(/\/$/, "");
  return { url: `${base}/siyu_bench_${randomBytes(4).toString("hex")}`, dir: null };
}

export async function dropFresh(target: DatabaseTarget, dir: string | null): Promise<void> {
  await dropDatabase(target).catch(() => undefined);
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** The end of a run on a fresh database: dropped, or kept (`--keep`) with its URL on stderr. */
export async function releaseFresh(
  target: DatabaseTarget,
  place: { url: string; dir: string | null },
  keep: boolean,
): Promise<void> {
  if (keep) process.stderr.write(`kept the database: ${place.url}\n`);
  else await dropFresh(target, place.dir);
}

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export type Value = string | number | null;

/** Multi-row INSERTs of rows produced batch by batch, so the data set never sits in memory. */
export async function load(
  ds: DataSource,
  table: string,
  columns: string[],
  total: number,
  row: (i: number) => Value[] | null,
): Promise<void> {
  const perStatement = Math.floor(MAX_PARAMS / columns.length);
  const perTransaction = perStatement * 40;
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const runner = ds.createQueryRunner();
  try {
    for (let start = 0; start < total; start += perTransaction) {
      await runner.startTransaction();
      for (let i = start; i < Math.min(start + perTransaction, total); i += perStatement) {
        const params: Value[] = [];
        let n = 0;
        for (let j = i; j < Math.min(i + perStatement, total); j++) {
          const r = row(j);
          if (!r) continue;
          params.push(...r);
          n++;
        }
        if (n)
          await runner.query(
            `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${Array.from({ length: n }, () => tuple).join(", ")}`,
            params,
          );
      }
      await runner.commitTransaction();
      process.stderr.write(`\r  ${table} ${Math.min(start + perTransaction, total)}/${total}   `);
    }
    process.stderr.write("\n");
  } finally {
    await runner.release();
  }
}

/** The human table (label, value) and, as the last line, the JSON object domain.md describes. */
export function printResult(rows: [string, string][], result: object): void {
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`${k.padEnd(width)}  ${v}\n`);
  process.stdout.write(JSON.stringify(result) + "\n");
}
