import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { DatabaseTarget } from "../src/db/database-url.ts";
import { dropDatabase } from "../src/db/dialect.ts";

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

export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}
