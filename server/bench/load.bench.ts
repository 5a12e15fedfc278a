import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseDatabaseUrl } from "../src/db/database-url.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { num } from "../src/db/dialect.ts";
import { seedDemo } from "../src/demo/seed-demo.ts";
import { ApiKeyService } from "../src/modules/api-keys/api-key.service.ts";
import { systemClock } from "../src/platform/clock.ts";
import { dropFresh, freshDatabase, printResult, timed } from "./bench-kit.ts";

/**
 * `npm run bench:load -- [--customers 100000] [--orders N] [--connections 200] [--duration 20]
 * [--soak-seconds 300] [--database-url URL] [--keep]`
 *
 * The server (real startServer, in its own process, on MariaDB) with the demo corp scaled to
 * `--customers`, driven by autocannon on loopback: the bare route (fixed JSON, the floor), a
 * route that runs one `SELECT 1` (the floor of anything that reads the database), the
 * sidebar's customer page (a guide's session, customers that guide follows) and the orders API
 * (an API key, batches of 5 valid orders whose numbers repeat, so re-sends are idempotent
 * updates), each for `--duration` seconds; then the server's memory (after a GC) before and
 * after a soak of both APIs side by side. Targets: sidebar p99 < 50 ms at 200 connections, memory
 * growth < 10 %, zero errors. Each run also prints the CPU time per request of the server and, when
 * the database runs on this machine, of the database. The last line is the JSON object of domain.md: floor_ms (bare p99),
 * run_ms (sidebar p99), ratio, peak_rss_mb (the server's).
 */

interface Options {
  customers: number;
  orders: number;
  connections: number;
  duration: number;
  soakSeconds: number;
  databaseUrl?: string;
  keep: boolean;
}

interface AutocannonResult {
  latency: { p50: number; p99: number; average: number; max: number };
  requests: { average: number; total: number };
  errors: number;
  timeouts: number;
  non2xx: number;
  "2xx": number;
}
interface AutocannonRequest {
  method?: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  setupRequest?: (req: AutocannonRequest) => AutocannonRequest;
}
type Autocannon = (opts: {
  url: string;
  connections: number;
  duration: number;
  headers?: Record<string, string>;
  requests?: AutocannonRequest[];
}) => Promise<AutocannonResult>;

const autocannon = createRequire(import.meta.url)("autocannon") as Autocannon;

export async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = options(argv);
  } catch (err) {
    process.stderr.write(`bench:load: ${(err as Error).message}\n`);
    return 2;
  }
  const url = opts.databaseUrl ?? freshDatabase("mysql").url;
  const target = parseDatabaseUrl(url);
  if (target.kind !== "mysql") {
    process.stderr.write("bench:load: runs on MySQL/MariaDB (--database-url mysql://...)\n");
    return 2;
  }
  const dataDir = mkdtempSync(join(tmpdir(), "siyu-load-"));
  let child: ChildProcess | undefined;
  try {
    // ---- the data: the demo corp scaled up, an API key, a guide and the customers they follow
    const ds = await openDatabase(target);
    let seedMs = 0;
    let customers: number;
    let apiKey: string;
    let guideUserid: string;
    let followed: string[];
    let dbPid: number | null = null;
    try {
      await migrate(ds);
      const [existing] = await ds.query("SELECT COUNT(*) AS n FROM customers");
      if (num(existing.n) === 0) {
        process.stderr.write(`seeding the demo corp with ${opts.customers} customers, ${opts.orders} orders\n`);
        seedMs = (
          await timed(() =>
            seedDemo(ds, {
              customers: opts.customers,
              orders: opts.orders,
              onProgress: (step, done, total) => process.stderr.write(`\r  ${step} ${done}/${total}      `),
            }),
          )
        ).ms;
        process.stderr.write("\n");
      }
      customers = num((await ds.query("SELECT COUNT(*) AS n FROM customers"))[0].n);
      const [admin] = await ds.query("SELECT id FROM users WHERE role = 'hq_admin' ORDER BY id LIMIT 1");
      apiKey = (
        await new ApiKeyService(ds, systemClock).create({ name: "bench:load" }, { userId: num(admin.id), ip: null })
      ).key;
      const [guide] = await ds.query(
        `SELECT s.userid, COUNT(*) AS n FROM follow_relations f JOIN staff s ON s.id = f.staff_id
          WHERE f.status = 'active' GROUP BY s.userid ORDER BY n DESC LIMIT 1`,
      );
      guideUserid = String(guide.userid);
      followed = (
        await ds.query(
          `SELECT c.external_userid FROM follow_relations f JOIN staff s ON s.id = f.staff_id JOIN customers c ON c.id = f.customer_id
            WHERE s.userid = ? AND f.status = 'active' AND c.external_userid IS NOT NULL ORDER BY c.id LIMIT 2000`,
          [guideUserid],
        )
      ).map((r: { external_userid: string }) => r.external_userid);
      dbPid = await localDatabasePid(ds, target.host);
    } finally {
      await ds.destroy();
    }
    if (!followed.length) throw new Error(`guide ${guideUserid} follows no customer with an external_userid`);

    // ---- the server in its own process
    const started = await startChild(url, dataDir);
    child = started.child;
    const base = started.url;
    const login = await fetch(`${base}/api/v1/sidebar/dev/login`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ userid: guideUserid }),
    });
    if (login.status !== 200) throw new Error(`sidebar dev login answered ${login.status}: ${await login.text()}`);
    const cookie = login.headers
      .getSetCookie()
      .map((c) => c.split(";")[0])
      .join("; ");

    let p = 0;
    const sidebarReq: AutocannonRequest = {
      method: "GET",
      headers: { cookie },
      setupRequest: (req) => ({ ...req, path: `/api/v1/sidebar/customers/${followed[p++ % followed.length]}` }),
    };
    const bodies = Array.from({ length: 400 }, (_, b) =>
      JSON.stringify(
        Array.from({ length: 5 }, (_, i) => {
          const n = b * 5 + i;
          return {
            order_no: `LOAD-${n}`,
            customer_ref: followed[n % followed.length],
            paid_at: "2026-05-20T13:14:00+08:00",
            amount_cents: 1000 + n,
            status: "paid",
          };
        }),
      ),
    );
    let o = 0;
    const ordersReq: AutocannonRequest = {
      method: "POST",
      path: "/api/v1/orders",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      setupRequest: (req) => ({ ...req, body: bodies[o++ % bodies.length] }),
    };
    const bareReq: AutocannonRequest = { method: "GET", path: "/bench/bare" };
    // one `SELECT 1` through the same pool: the floor of any answer that needs the database
    const dbReq: AutocannonRequest = { method: "GET", path: "/bench/db" };
    const serverPid = child.pid!;
    // CPU time per request of the server and of the database (when it runs here): where the time goes
    // (not in the soak, where two runs share the processes)
    const run = async (req: AutocannonRequest, duration: number, connections = opts.connections, alone = true) => {
      const before = alone ? [cpuMs(serverPid), dbPid ? cpuMs(dbPid) : null] : [null, null];
      const r = await autocannon({ url: base, connections, duration, requests: [req] });
      const after = [cpuMs(serverPid), dbPid ? cpuMs(dbPid) : null];
      const perRequest = (i: number) =>
        before[i] === null || after[i] === null || !r.requests.total
          ? null
          : Math.round(((after[i]! - before[i]!) * 1000) / r.requests.total);
      return { ...r, cpu: { serverUs: perRequest(0), dbUs: perRequest(1) } };
    };

    // ---- warm-up, then each API beside the floor
    process.stderr.write("warming up\n");
    for (const r of [bareReq, dbReq, sidebarReq, ordersReq]) await run(r, 3);
    process.stderr.write(`measuring (${opts.duration} s each, ${opts.connections} connections)\n`);
    const bare = await run(bareReq, opts.duration);
    const oneStatement = await run(dbReq, opts.duration);
    const sidebar = await run(sidebarReq, opts.duration);
    const orders = await run(ordersReq, opts.duration);
    const bare2 = await run(bareReq, opts.duration); // the floor again: the machine did not change under us

    // ---- soak: both APIs side by side
    const before = await memory(base);
    process.stderr.write(`soaking ${opts.soakSeconds} s\n`);
    const half = Math.max(1, Math.floor(opts.connections / 2));
    const soak = await Promise.all([
      run(sidebarReq, opts.soakSeconds, half, false),
      run(ordersReq, opts.soakSeconds, half, false),
    ]);
    const after = await memory(base);
    const peakRssMb = peakRss(child.pid!);

    const errors = (r: AutocannonResult) => r.errors + r.timeouts + r.non2xx;
    const floor = Math.min(bare.latency.p99, bare2.latency.p99);
    const ratio = (r: AutocannonResult) => r.latency.p99 / Math.max(floor, 1);
    const cpu = (r: Measured) =>
      r.cpu.serverUs === null
        ? ""
        : `  cpu/req server ${r.cpu.serverUs} µs${r.cpu.dbUs === null ? "" : `, db ${r.cpu.dbUs} µs`}`;
    const line = (r: Measured) =>
      `${Math.round(r.requests.average)} req/s  p50 ${r.latency.p50} ms  p99 ${r.latency.p99} ms  errors ${errors(r)}${cpu(r)}`;
    const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
    const growth = (a: number, b: number) => Math.round(((b - a) / a) * 1000) / 10;
    const rssGrowth = growth(before.rss, after.rss);
    const heapGrowth = growth(before.heapUsed, after.heapUsed);
    const totalErrors = [bare, oneStatement, sidebar, orders, bare2, ...soak].reduce((n, r) => n + errors(r), 0);
    const targets = {
      sidebar_p99_under_50ms: sidebar.latency.p99 < 50,
      memory_growth_under_10pct: rssGrowth < 10,
      zero_errors: totalErrors === 0,
    };
    printResult(
      [
        ["customers", String(customers)],
        ["seed", seedMs ? `${(seedMs / 1000).toFixed(1)} s` : "existing database"],
        ["connections", String(opts.connections)],
        ["bare route (floor)", line(bare)],
        ["one-statement route", `${line(oneStatement)}  p99 ratio ${ratio(oneStatement).toFixed(2)}`],
        ["sidebar customer page", `${line(sidebar)}  p99 ratio ${ratio(sidebar).toFixed(2)}`],
        ["orders API (5 per batch)", `${line(orders)}  p99 ratio ${ratio(orders).toFixed(2)}`],
        ["bare route again", line(bare2)],
        ["soak sidebar", line(soak[0])],
        ["soak orders", line(soak[1])],
        ["server memory before soak", `rss ${mb(before.rss)} MB, heap ${mb(before.heapUsed)} MB`],
        [
          "server memory after soak",
          `rss ${mb(after.rss)} MB (${rssGrowth} %), heap ${mb(after.heapUsed)} MB (${heapGrowth} %)`,
        ],
        [
          "targets",
          Object.entries(targets)
            .map(([k, v]) => `${k}=${v ? "met" : "MISSED"}`)
            .join(", "),
        ],
      ],
      {
        bench: "load",
        floor_ms: floor,
        run_ms: sidebar.latency.p99,
        ratio: Math.round(ratio(sidebar) * 100) / 100,
        peak_rss_mb: peakRssMb,
        customers,
        connections: opts.connections,
        soak_seconds: opts.soakSeconds,
        bare: summary(bare),
        one_statement: { ...summary(oneStatement), ratio: Math.round(ratio(oneStatement) * 100) / 100 },
        sidebar: summary(sidebar),
        orders: { ...summary(orders), ratio: Math.round(ratio(orders) * 100) / 100 },
        soak: { sidebar: summary(soak[0]), orders: summary(soak[1]) },
        memory: {
          before_rss_mb: mb(before.rss),
          after_rss_mb: mb(after.rss),
          rss_growth_pct: rssGrowth,
          before_heap_mb: mb(before.heapUsed),
          after_heap_mb: mb(after.heapUsed),
          heap_growth_pct: heapGrowth,
        },
        errors: totalErrors,
        targets_met: Object.values(targets).every(Boolean),
      },
    );
    return 0;
  } finally {
    if (child && child.exitCode === null) {
      const exited = new Promise((r) => child!.once("exit", r));
      child.kill("SIGTERM");
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill("SIGKILL");
    }
    rmSync(dataDir, { recursive: true, force: true });
    if (opts.databaseUrl === undefined) {
      if (opts.keep) process.stderr.write(`kept database: ${url}\n`);
      else await dropFresh(target, null);
    }
  }

  function summary(r: Measured) {
    return {
      rps: Math.round(r.requests.average),
      p50_ms: r.latency.p50,
      p99_ms: r.latency.p99,
      requests: r.requests.total,
      errors: r.errors + r.timeouts + r.non2xx,
      server_cpu_us_per_req: r.cpu.serverUs,
      db_cpu_us_per_req: r.cpu.dbUs,
    };
  }
}

async function startChild(databaseUrl: string, dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const runner = fileURLToPath(new URL("./run.mjs", import.meta.url));
  const child = spawn(process.execPath, ["--expose-gc", runner, "load-server", "--recompute-rfm"], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      WECOM_MODE: "simulator",
      SEED_DEMO_ON_START: "false",
      LOG_LEVEL: "silent",
      SESSION_SECRET: "bench-load-session-secret-0123456789abcdef",
      SECRETS_KEY: "0123456789abcdef".repeat(4),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      const m = /listening (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the bench server exited (${code}) before listening: ${out}`)));
  });
  return { child, url };
}

interface Measured extends AutocannonResult {
  cpu: { serverUs: number | null; dbUs: number | null };
}

/** User + system CPU time of a process so far, in ms (Linux /proc; null elsewhere). */
function cpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in USER_HZ (100 per second)
  } catch {
    return null;
  }
}

/** The database server's pid when it runs on this machine (its pid file is readable here). */
async function localDatabasePid(ds: { query: (sql: string) => Promise<{ f: string }[]> }, host: string) {
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) return null;
  try {
    const [row] = await ds.query("SELECT @@pid_file AS f");
    const pid = Number(readFileSync(row!.f, "utf8").trim());
    return Number.isInteger(pid) && cpuMs(pid) !== null ? pid : null;
  } catch {
    return null;
  }
}

async function memory(base: string): Promise<NodeJS.MemoryUsage> {
  return (await (await fetch(`${base}/bench/memory`)).json()) as NodeJS.MemoryUsage;
}

/** The server process's peak resident set (VmHWM), in MB. */
function peakRss(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 102.4) / 10 : 0;
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      customers: { type: "string", default: "100000" },
      orders: { type: "string" },
      connections: { type: "string", default: "200" },
      duration: { type: "string", default: "20" },
      "soak-seconds": { type: "string", default: "300" },
      "database-url": { type: "string" },
      keep: { type: "boolean", default: false },
    },
  });
  const int = (name: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number ≥ ${min}`);
    return n;
  };
  const customers = int("customers", values.customers, 100);
  return {
    customers,
    orders: values.orders === undefined ? customers * 3 : int("orders", values.orders, 0),
    connections: int("connections", values.connections, 1),
    duration: int("duration", values.duration, 1),
    soakSeconds: int("soak-seconds", values["soak-seconds"], 1),
    databaseUrl: values["database-url"],
    keep: values.keep,
  };
}
