import { parseArgs } from "node:util";
import { destination } from "pino";
import { TableIndex, type DataSource } from "typeorm";
import { parseDatabaseUrl } from "../src/db/database-url.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { dialectOf, num, sqlTime } from "../src/db/dialect.ts";
import { BASE62, createRng } from "../src/demo/random.ts";
import { rfmSql } from "../src/modules/rfm/rfm-sql.ts";
import { RfmService } from "../src/modules/rfm/rfm.service.ts";
import { SettingsService } from "../src/modules/settings/settings.service.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/logger.ts";
import { freshDatabase, releaseFresh, load, printResult, timed } from "./bench-kit.ts";
import { generateDirectory, timeCustomerList } from "./customer-list.bench.ts";

/**
 * `npm run bench:rfm -- --customers N --orders M --db sqlite|mysql [--seed S] [--rerun] [--keep]
 * [--verbose] [--database-url URL]` (--rerun also times the next day's recompute; --keep keeps the
 * generated database and prints its URL; --database-url times an existing database instead;
 * --load-only generates and keeps a database without timing anything; --no-list skips timing the customer list API; --list-only times only the list on an existing, recomputed database; --verbose logs each statement's time to stderr; --reset empties the engine's tables of an existing
 * database first, so that its recompute is a first one again; --scan-floor-only skips the plain
 * floor, which on MySQL with a small buffer pool can take many minutes, and then reports the ratio
 * against (a') with "floor_kind": "scan")
 *
 * Generates a deterministic data set (seeded) into a fresh database, then times in one process
 * (a) the floor: one aggregate query GROUP BY customer over the same orders (last/first paid time,
 * count, sum), and (b) the engine's full recompute (figures, scores, segments, lifecycle, tag
 * writes, history), then (c) a mix of customer list API requests over the tagged customers (p50/p95).
 * The last line printed is one JSON object (domain.md "Benchmarks").
 */

const AS_OF = new Date("2026-06-01T00:00:00.000Z");
const DAY = 86_400_000;
const HISTORY_DAYS = 3 * 365;

interface Options {
  customers: number;
  orders: number;
  db: "sqlite" | "mysql";
  seed: number;
  rerun: boolean;
  keep: boolean;
  verbose: boolean;
  reset: boolean;
  plainFloor: boolean;
  loadOnly: boolean;
  list: boolean;
  listOnly: boolean;
  databaseUrl?: string;
}

export async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = options(argv);
  } catch (err) {
    process.stderr.write(`bench:rfm: ${(err as Error).message}\n`);
    return 2;
  }
  const fresh = opts.databaseUrl === undefined;
  const place = fresh ? freshDatabase(opts.db) : { url: opts.databaseUrl!, dir: null };
  const target = parseDatabaseUrl(place.url);
  // logs go to stderr: stdout carries the table and the JSON line only
  const log = createLogger(opts.verbose ? "debug" : "warn", destination(2));
  let ds: DataSource | undefined;
  try {
    ds = await openDatabase(target);
    let loadMs = 0;
    if (fresh) {
      await migrate(ds);
      const t0 = performance.now();
      await generate(ds, opts);
      loadMs = performance.now() - t0;
      if (opts.loadOnly) {
        opts.keep = true;
        process.stdout.write(JSON.stringify({ database_url: place.url, load_ms: Math.round(loadMs) }) + "\n");
        return 0;
      }
    }
    if (opts.reset)
      for (const t of ["customer_rfm", "tag_history", "customer_tags", "rfm_computations", "rfm_scratch"])
        await ds.query(`DELETE FROM ${t}`);
    if (opts.listOnly) {
      const list = await timeCustomerList(ds);
      process.stdout.write(
        JSON.stringify({
          list_p50_ms: list.p50_ms,
          list_p95_ms: list.p95_ms,
          list_sort_max_ms: list.sort_max_ms,
          ...list.byRequest,
        }) + "\n",
      );
      return 0;
    }
    const clock = fixedClock(new Date(AS_OF.getTime() + 6 * 3600_000));
    const rfm = new RfmService(ds, clock, new SettingsService(ds, clock), log);

    await floor(ds, true); // warm-up: the timings below run on a warm cache
    const fs = await timed(() => floor(ds!, true));
    const f = opts.plainFloor ? await timed(() => floor(ds!)) : fs;
    let last = performance.now();
    const r = await timed(() =>
      rfm.recompute({
        asOf: AS_OF,
        triggeredBy: "bench",
        onProgress: (step) => {
          const now = performance.now();
          process.stderr.write(`  ${step} (previous step ${(now - last).toFixed(0)} ms)\n`);
          last = now;
        },
      }),
    );
    let rerunMs: number | undefined;
    if (opts.rerun) {
      // the next night: everyone's recency moves by a day, few segments change
      clock.advance(DAY);
      rerunMs = (await timed(() => rfm.recompute({ asOf: new Date(AS_OF.getTime() + DAY), triggeredBy: "bench" }))).ms;
    }
    const counts = await rfm.currentCounts();
    const list = opts.list ? await timeCustomerList(ds) : undefined;
    if (list)
      for (const [name, ms] of Object.entries(list.byRequest)) process.stderr.write(`  list ${name}: max ${ms} ms\n`);
    const peak = process.resourceUsage().maxRSS / 1024;
    const result = {
      floor_ms: Math.round(f.ms),
      ...(opts.plainFloor ? {} : { floor_kind: "scan" }),
      run_ms: Math.round(r.ms),
      ratio: Math.round((r.ms / f.ms) * 100) / 100,
      peak_rss_mb: Math.round(peak),
      db: opts.db,
      server: dialectOf(ds) === "sqlite" ? `sqlite ${await version(ds)}` : await version(ds),
      customers: opts.customers,
      orders: opts.orders,
      scored: r.value.customersScored,
      floor_customers: f.value,
      floor_scan_ms: Math.round(fs.ms),
      ratio_vs_scan: Math.round((r.ms / fs.ms) * 100) / 100,
      load_ms: Math.round(loadMs),
      ...(rerunMs === undefined
        ? {}
        : { rerun_ms: Math.round(rerunMs), rerun_ratio: Math.round((rerunMs / f.ms) * 100) / 100 }),
      ...(list
        ? {
            list_requests: list.requests,
            list_p50_ms: list.p50_ms,
            list_p95_ms: list.p95_ms,
            list_sort_max_ms: list.sort_max_ms,
          }
        : {}),
      seed: opts.seed,
    };
    const rows: [string, string][] = [
      ["database", `${result.server}${fresh ? "" : ` (${place.url})`}`],
      ["customers / orders", `${opts.customers} / ${opts.orders} (seed ${opts.seed})`],
      ["data load", `${(loadMs / 1000).toFixed(1)} s`],
      ["(a) floor: one GROUP BY customer", `${f.ms.toFixed(0)} ms (${f.value} customers)`],
      ["(a') the same aggregate, read as the engine reads", `${fs.ms.toFixed(0)} ms`],
      ["(b) full recompute", `${r.ms.toFixed(0)} ms (${r.value.customersScored} scored)`],
      ["ratio b / a", result.ratio.toFixed(2)],
      ["ratio b / a'", result.ratio_vs_scan.toFixed(2)],
      ...(rerunMs === undefined ? [] : ([["next-day recompute", `${rerunMs.toFixed(0)} ms`]] as [string, string][])),
      ["peak RSS", `${result.peak_rss_mb} MB`],
      ...(list
        ? ([
            [
              "customer list API (service)",
              `p50 ${list.p50_ms} ms, p95 ${list.p95_ms} ms, max ${list.max_ms} ms (${list.slowest}) over ${list.requests} requests; sorted by a figure: max ${list.sort_max_ms} ms`,
            ],
          ] as [string, string][])
        : []),
      [
        "segments",
        Object.entries(counts.segments)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ],
      [
        "lifecycle",
        Object.entries(counts.lifecycle)
          .map(([k, v]) => `${k} ${v}`)
          .join(", "),
      ],
    ];
    printResult(rows, result);
    return 0;
  } catch (err) {
    process.stderr.write(`bench:rfm failed: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  } finally {
    await ds?.destroy().catch(() => undefined);
    if (fresh) await releaseFresh(target, place, opts.keep);
  }
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: "string", default: "100000" },
      orders: { type: "string", default: "1000000" },
      db: { type: "string", default: "sqlite" },
      seed: { type: "string", default: "20260601" },
      rerun: { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
      "database-url": { type: "string" },
      reset: { type: "boolean", default: false },
      "scan-floor-only": { type: "boolean", default: false },
      "load-only": { type: "boolean", default: false },
      "no-list": { type: "boolean", default: false },
      "list-only": { type: "boolean", default: false },
    },
    strict: true,
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  if (values.db !== "sqlite" && values.db !== "mysql") throw new Error("--db must be sqlite or mysql");
  return {
    customers: int("customers", values.customers, 1),
    orders: int("orders", values.orders, 0),
    db: values.db,
    seed: int("seed", values.seed, 0),
    rerun: values.rerun,
    keep: values.keep,
    verbose: values.verbose,
    reset: values.reset,
    plainFloor: !values["scan-floor-only"],
    loadOnly: values["load-only"],
    list: !values["no-list"],
    listOnly: values["list-only"],
    databaseUrl: values["database-url"],
  };
}

/**
 * (a) The floor: one aggregate per customer over the orders, as the issue defines it, run as a plain
 * query. With `engineAccess` it reads orders the way the engine does (full scan, the engine's
 * session settings): what the same aggregate costs at best, to judge the engine's own overhead.
 */
async function floor(ds: DataSource, engineAccess = false): Promise<number> {
  const S = rfmSql(ds);
  const runner = ds.createQueryRunner();
  try {
    if (engineAccess) for (const set of S.bulkSession.enter) await runner.query(set);
    const [row] = await runner.query(
      `SELECT COUNT(*) AS customers, SUM(n) AS orders, SUM(total) AS total, MIN(first_paid) AS first_paid, MAX(last_paid) AS last_paid
         FROM (SELECT customer_id, MAX(paid_at) AS last_paid, MIN(paid_at) AS first_paid, COUNT(*) AS n,
                      SUM(amount_cents - refund_cents) AS total
                 FROM ${engineAccess ? S.allOrders("orders") : "orders"}
                WHERE customer_id IS NOT NULL AND status = 'paid' AND amount_cents - refund_cents > 0 AND paid_at <= ?
                GROUP BY customer_id) f`,
      [sqlTime(AS_OF)],
    );
    if (engineAccess) for (const set of S.bulkSession.leave) await runner.query(set);
    return num(row?.customers);
  } finally {
    await runner.release();
  }
}

async function version(ds: DataSource): Promise<string> {
  const [row] = await ds.query(dialectOf(ds) === "sqlite" ? "SELECT sqlite_version() AS v" : "SELECT VERSION() AS v");
  return String(row?.v);
}

// ---------------------------------------------------------------- the data set

/**
 * Customers (2 % without an external_userid), orders in time order over three years (as imports
 * append them) from 70 % of the customers with a skewed number per buyer, refunds, cancellations,
 * partial and full refunds and a few orders after asOf; groups with members and message times.
 */
async function generate(ds: DataSource, o: Options): Promise<void> {
  const created = sqlTime(new Date(AS_OF.getTime() - HISTORY_DAYS * DAY));
  await generateDirectory(ds, o.customers, o.seed, new Date(AS_OF.getTime() - HISTORY_DAYS * DAY));
  const names = createRng(o.seed, "customers");
  await load(
    ds,
    "customers",
    ["id", "external_userid", "name", "type", "gender", "source", "do_not_disturb", "created_at", "updated_at"],
    o.customers,
    (i) => [
      i + 1,
      names.chance(0.02) ? null : `wm${names.chars(10, BASE62)}${(i + 1).toString(36)}`,
      "客户",
      1,
      names.int(0, 2),
      "bench",
      0,
      created,
      created,
    ],
  );

  // orders: the secondary indexes are built once after the load, as a bulk import would
  const orderIndexes = await dropIndexes(ds, "orders");
  const rng = createRng(o.seed, "orders");
  const buyers = Math.max(1, Math.floor(o.customers * 0.7));
  const start = AS_OF.getTime() - HISTORY_DAYS * DAY;
  const span = HISTORY_DAYS * DAY + 2 * DAY; // the last two days are after asOf
  await load(
    ds,
    "orders",
    [
      "id",
      "order_no",
      "customer_ref",
      "customer_id",
      "paid_at",
      "amount_cents",
      "refund_cents",
      "status",
      "source",
      "created_at",
      "updated_at",
    ],
    o.orders,
    (i) => {
      // skewed: low customer ids buy far more often; a scattered permutation spreads them over ids
      const buyer = Math.floor(buyers * rng.next() ** 2);
      const customerId = ((buyer * 7919) % buyers) + 1;
      const paidAt = sqlTime(new Date(start + Math.floor(((i + rng.next()) * span) / o.orders)));
      const amount = Math.max(100, Math.round(Math.exp(Math.log(20000) + 0.8 * rng.normal())));
      const u = rng.next();
      const status = u < 0.04 ? "refunded" : u < 0.07 ? "cancelled" : "paid";
      const v = rng.next();
      const refund = status !== "paid" ? 0 : v < 0.01 ? amount : v < 0.06 ? Math.floor(amount * rng.next()) : 0;
      return [
        i + 1,
        `B${String(i + 1).padStart(10, "0")}`,
        `ref${customerId}`,
        customerId,
        paidAt,
        amount,
        refund,
        status,
        "bench",
        paidAt,
        paidAt,
      ];
    },
  );
  await restoreIndexes(ds, "orders", orderIndexes);

  const groups = Math.max(1, Math.floor(o.customers / 500));
  const g = createRng(o.seed, "groups");
  await load(
    ds,
    "customer_groups",
    ["id", "chat_id", "name", "owner_userid", "status", "member_count", "created_at", "updated_at"],
    groups,
    (i) => [
      i + 1,
      `wr${g.chars(12, BASE62)}${i}`,
      `会员群${i + 1}`,
      "owner",
      g.chance(0.05) ? "dismissed" : "active",
      0,
      created,
      created,
    ],
  );
  const m = createRng(o.seed, "members");
  const members = Math.floor(o.customers * 0.2);
  await load(
    ds,
    "group_members",
    [
      "id",
      "group_id",
      "member_id",
      "member_type",
      "customer_id",
      "left_at",
      "last_message_at",
      "message_count",
      "is_admin",
      "created_at",
      "updated_at",
    ],
    members,
    (i) => {
      const customerId = Math.floor((i * o.customers) / members) + 1;
      const messaged = m.chance(0.5);
      return [
        i + 1,
        1 + (i % groups),
        `wm-member-${customerId}`,
        2,
        customerId,
        m.chance(0.1) ? created : null,
        messaged ? sqlTime(new Date(AS_OF.getTime() - Math.floor(m.next() * 60 * DAY))) : null,
        messaged ? m.int(1, 50) : 0,
        0,
        created,
        created,
      ];
    },
  );
}

async function dropIndexes(ds: DataSource, table: string): Promise<TableIndex[]> {
  const runner = ds.createQueryRunner();
  try {
    const t = await runner.getTable(table);
    const indexes = (t?.indices ?? []).map((i) => i.clone());
    for (const i of indexes) await runner.dropIndex(table, i.name!);
    return indexes;
  } finally {
    await runner.release();
  }
}

async function restoreIndexes(ds: DataSource, table: string, indexes: TableIndex[]): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    for (const i of indexes) {
      process.stderr.write(`  index ${i.name}\n`);
      await runner.createIndex(table, i);
    }
  } finally {
    await runner.release();
  }
}
