import { parseArgs } from "node:util";
import { destination } from "pino";
import { Table, type DataSource, type EntitySubscriberInterface, type QueryRunner } from "typeorm";
import type { AfterQueryEvent } from "typeorm/subscriber/event/QueryEvent.js";
import { col, index } from "../../migrations/helpers.ts";
import { parseDatabaseUrl } from "../src/db/database-url.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { dialectOf, MAX_PARAMS, num, sqlTime } from "../src/db/dialect.ts";
import { BASE62, createRng } from "../src/demo/random.ts";
import type { UserView } from "../src/modules/auth/auth.schemas.ts";
import { CampaignLaunch } from "../src/modules/campaigns/campaign-launch.ts";
import { campaignInputSchema } from "../src/modules/campaigns/campaigns.schemas.ts";
import { CampaignsService } from "../src/modules/campaigns/campaigns.service.ts";
import { CustomersService } from "../src/modules/customers/customers.service.ts";
import { MaterialsService } from "../src/modules/materials/materials.service.ts";
import { SegmentsService } from "../src/modules/segments/segments.service.ts";
import { SettingsService } from "../src/modules/settings/settings.service.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/logger.ts";
import { freshDatabase, releaseFresh, printResult, timed } from "./bench-kit.ts";

/**
 * `npm run bench:launch -- --audience N --staff S --db sqlite|mysql [--seed S] [--second-follower P]
 * [--no-rfm] [--keep] [--verbose]`
 *
 * Generates a deterministic corp (seeded, multi-row INSERTs) into a fresh database: stores, S
 * staff, staff_stores, N customers each followed by one staff member (a share P by a second one
 * too), and customer_rfm. Then times, in one process:
 *  (a) the floor: one multi-row INSERT of N target rows into a scratch table shaped like
 *      `targets` (same columns and indexes). MySQL/MariaDB take it in as few statements as
 *      max_allowed_packet allows, in one transaction; SQLite in one statement.
 *  (b) a real launch (CampaignLaunch.launch, no WeCom: notifications off) of a private-chat
 *      campaign whose inline rule selects everyone (N targets, about S tasks), with the time of
 *      each of its SQL statements.
 * The last line printed is one JSON object (domain.md "Benchmarks").
 */

const NOW = new Date("2026-06-01T06:00:00.000Z");
const DAY = 86_400_000;
const SEGMENTS = [
  "important_value",
  "important_develop",
  "important_keep",
  "important_retain",
  "general_value",
  "general_develop",
  "general_keep",
  "general_retain",
];
const BENCH_USER: UserView = { id: 1, username: "bench", displayName: "bench", role: "hq_admin", storeIds: [] };

interface Options {
  audience: number;
  staff: number;
  db: "sqlite" | "mysql";
  seed: number;
  secondFollower: number;
  rfm: boolean;
  keep: boolean;
  verbose: boolean;
}

export async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = options(argv);
  } catch (err) {
    process.stderr.write(`bench:launch: ${(err as Error).message}\n`);
    return 2;
  }
  const place = freshDatabase(opts.db);
  const target = parseDatabaseUrl(place.url);
  // logs go to stderr: stdout carries the table and the JSON line only
  const log = createLogger(opts.verbose ? "debug" : "warn", destination(2));
  let ds: DataSource | undefined;
  try {
    ds = await openDatabase(target);
    await migrate(ds);
    const t0 = performance.now();
    const follows = await generate(ds, opts);
    const loadMs = performance.now() - t0;

    const clock = fixedClock(NOW);
    const settings = new SettingsService(ds, clock);
    const segments = new SegmentsService(ds, new CustomersService(ds), clock);
    const materials = new MaterialsService(ds, clock);
    const campaigns = new CampaignsService(ds, segments, clock, log);
    const launcher = new CampaignLaunch(ds, campaigns, segments, materials, settings, clock, log, null, "http://bench");
    const material = await materials.save(
      { title: "回访话术", content: { type: "text", text: "{{customer.name}} 您好" } },
      null,
    );
    const campaign = await campaigns.create(
      campaignInputSchema.parse({
        name: "bench launch",
        audience: { rule: { all: [] } },
        channel: "private_chat",
        materials: [{ variant: "A", materialId: material.id, share: 100 }],
        startAt: NOW.toISOString(),
        deadlineAt: new Date(NOW.getTime() + 3 * DAY).toISOString(),
      }),
      BENCH_USER,
    );

    // (a) the floor, once to warm up, then timed into a fresh scratch table
    const rows = floorRows(opts);
    const warm = await createScratch(ds, "bench_floor_warm", true);
    await floor(ds, warm, rows);
    const shaped = await createScratch(ds, "bench_floor", true);
    await settle(ds);
    const f = await timed(() => floor(ds!, shaped, rows));
    const bare = await createScratch(ds, "bench_floor_bare", false);
    await settle(ds);
    const fb = await timed(() => floor(ds!, bare, rows));
    await settle(ds);

    // (b) the launch, each statement timed
    const steps = new StepTimer();
    (ds.subscribers as EntitySubscriberInterface[]).push(steps);
    steps.on = true;
    const r = await timed(() => launcher.launch(campaign.id, null));
    steps.on = false;
    const report = r.value.report;
    if (report.targets !== opts.audience)
      process.stderr.write(`warning: the launch made ${report.targets} targets for ${opts.audience} customers\n`);

    const peak = process.resourceUsage().maxRSS / 1024;
    const result = {
      floor_ms: Math.round(f.ms),
      run_ms: Math.round(r.ms),
      ratio: round2(r.ms / f.ms),
      peak_rss_mb: Math.round(peak),
      db: opts.db,
      server: dialectOf(ds) === "sqlite" ? `sqlite ${await version(ds)}` : await version(ds),
      audience: opts.audience,
      staff: opts.staff,
      follow_relations: follows,
      targets: report.targets,
      tasks: report.tasks,
      floor_statements: f.value,
      floor_bare_ms: Math.round(fb.ms),
      ratio_vs_bare: round2(r.ms / fb.ms),
      launch_sql_ms: Math.round(steps.total()),
      steps_ms: steps.summary(),
      load_ms: Math.round(loadMs),
      seed: opts.seed,
    };
    const table: [string, string][] = [
      ["database", result.server],
      ["audience / staff", `${opts.audience} / ${opts.staff} (${follows} follow relations, seed ${opts.seed})`],
      ["data load", `${(loadMs / 1000).toFixed(1)} s`],
      [
        "(a) floor: INSERT of the target rows",
        `${f.ms.toFixed(0)} ms (${f.value} statement${f.value > 1 ? "s" : ""}, targets' indexes)`,
      ],
      ["(a') the same without secondary indexes", `${fb.ms.toFixed(0)} ms`],
      ["(b) launch", `${r.ms.toFixed(0)} ms (${report.targets} targets, ${report.tasks} tasks)`],
      ["ratio b / a", result.ratio.toFixed(2)],
      ["ratio b / a'", result.ratio_vs_bare.toFixed(2)],
      ...Object.entries(result.steps_ms).map(([k, v]): [string, string] => [`  ${k}`, `${v} ms`]),
      ["peak RSS", `${result.peak_rss_mb} MB`],
    ];
    printResult(table, result);
    return 0;
  } catch (err) {
    process.stderr.write(`bench:launch failed: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  } finally {
    await ds?.destroy().catch(() => undefined);
    await releaseFresh(target, place, opts.keep);
  }
}

function options(argv: string[]): Options {
  const { values } = parseArgs({
    args: argv,
    options: {
      audience: { type: "string", default: "200000" },
      staff: { type: "string", default: "2000" },
      db: { type: "string", default: "sqlite" },
      seed: { type: "string", default: "20260601" },
      "second-follower": { type: "string", default: "0.3" },
      "no-rfm": { type: "boolean", default: false },
      keep: { type: "boolean", default: false },
      verbose: { type: "boolean", default: false },
    },
    strict: true,
  });
  const int = (name: string, v: string, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a whole number >= ${min}`);
    return n;
  };
  if (values.db !== "sqlite" && values.db !== "mysql") throw new Error("--db must be sqlite or mysql");
  const second = Number(values["second-follower"]);
  if (!(second >= 0 && second <= 1)) throw new Error("--second-follower must be between 0 and 1");
  const staff = int("staff", values.staff, 1);
  if (second > 0 && staff < 2) throw new Error("a second follower needs --staff 2 or more");
  return {
    audience: int("audience", values.audience, 1),
    staff,
    db: values.db,
    seed: int("seed", values.seed, 0),
    secondFollower: second,
    rfm: !values["no-rfm"],
    keep: values.keep,
    verbose: values.verbose,
  };
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * SQLite: empties the write-ahead log before a timed step, so that each step pays for the
 * checkpoints its own writes cause and none left by the step before.
 */
async function settle(ds: DataSource): Promise<void> {
  if (dialectOf(ds) === "sqlite") await ds.query("PRAGMA wal_checkpoint(TRUNCATE)");
}

async function version(ds: DataSource): Promise<string> {
  const [row] = await ds.query(dialectOf(ds) === "sqlite" ? "SELECT sqlite_version() AS v" : "SELECT VERSION() AS v");
  return String(row?.v);
}

// ---------------------------------------------------------------- the launch, statement by statement

/** Sums the database time of each launch statement, named by what it does (campaign-sql.ts). */
class StepTimer implements EntitySubscriberInterface {
  on = false;
  private readonly ms = new Map<string, number>();

  afterQuery(event: AfterQueryEvent): void {
    if (!this.on || event.executionTime === undefined) return;
    const name = stepOf(event.query.trim());
    this.ms.set(name, (this.ms.get(name) ?? 0) + event.executionTime);
  }

  total(): number {
    return [...this.ms.values()].reduce((a, b) => a + b, 0);
  }

  summary(): Record<string, number> {
    return Object.fromEntries([...this.ms].sort((a, b) => b[1] - a[1]));
  }
}

function stepOf(sql: string): string {
  if (/^UPDATE campaigns SET status = 'running'/.test(sql)) return "claim";
  if (/^INSERT (OR )?IGNORE INTO campaign_audience/.test(sql)) return "freeze audience (exclusions, owners)";
  if (/^UPDATE campaign_audience SET/.test(sql)) return "assign a frozen audience";
  if (/^INSERT (OR )?IGNORE INTO tasks/.test(sql)) return "insert tasks";
  if (/^INSERT (OR )?IGNORE INTO targets/.test(sql)) return "insert targets (holdout, variant, task)";
  if (/^UPDATE campaigns SET launch_report/.test(sql) || /GROUP BY (reason|is_control)|FROM tasks WHERE/.test(sql))
    return "launch report";
  if (/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK|SET TRANSACTION)/i.test(sql)) return "begin/commit";
  return "other reads";
}

// ---------------------------------------------------------------- the floor

/** The floor's rows: one per target, as the launch writes them (customer, owner, task, status, variant, times). */
function floorRows(o: Options): string[] {
  const t = `'${sqlTime(NOW)}'`;
  const rows: string[] = new Array(o.audience);
  for (let i = 0; i < o.audience; i++) {
    const staff = ownerOf(i, o.staff);
    rows[i] = `(1,${staff},${staff},${i + 1},'pending',0,'A',0,${t},${t})`;
  }
  return rows;
}

const FLOOR_COLUMNS =
  "campaign_id, task_id, staff_id, customer_id, status, is_control, variant, revenue_cents, created_at, updated_at";

/**
 * INSERTs the rows in one statement, or (MySQL/MariaDB) in as few as max_allowed_packet lets
 * through, in one transaction. The statement text is built before the clock starts.
 */
async function floor(ds: DataSource, table: string, rows: string[]): Promise<number> {
  const head = `INSERT INTO ${table} (${FLOOR_COLUMNS}) VALUES `;
  let limit = Infinity;
  if (dialectOf(ds) === "mysql") {
    const [row] = await ds.query("SELECT @@max_allowed_packet AS p");
    limit = Math.floor(num(row?.p) * 0.9);
  }
  const statements: string[] = [];
  let parts: string[] = [];
  let size = head.length;
  for (const r of rows) {
    if (parts.length && size + r.length + 1 > limit) {
      statements.push(head + parts.join(","));
      parts = [];
      size = head.length;
    }
    parts.push(r);
    size += r.length + 1;
  }
  if (parts.length) statements.push(head + parts.join(","));
  if (dialectOf(ds) === "sqlite") {
    // straight to better-sqlite3: exec() compiles, runs and frees the statement, where the
    // query runner would keep the compiled 200 000-row program in its statement cache
    (ds.driver as unknown as { databaseConnection: { exec(sql: string): void } }).databaseConnection.exec(
      statements[0]!,
    );
    return 1;
  }
  const runner = ds.createQueryRunner();
  try {
    if (statements.length === 1) await runner.query(statements[0]!);
    else {
      await runner.startTransaction();
      for (const s of statements) await runner.query(s);
      await runner.commitTransaction();
    }
  } finally {
    await runner.release();
  }
  return statements.length;
}

/** A scratch table with the columns of `targets`, and with its indexes when `indexed`. */
async function createScratch(ds: DataSource, name: string, indexed: boolean): Promise<string> {
  const runner: QueryRunner = ds.createQueryRunner();
  try {
    await runner.createTable(
      new Table({
        name,
        columns: [
          col.id(),
          col.int("campaign_id"),
          col.int("task_id", { nullable: true }),
          col.int("staff_id", { nullable: true }),
          col.int("customer_id", { nullable: true }),
          col.int("group_id", { nullable: true }),
          col.str("status", 20),
          col.bool("is_control", false),
          col.str("variant", 10, { nullable: true }),
          col.str("reason", 255, { nullable: true }),
          col.time("sent_at", { nullable: true }),
          col.time("converted_at", { nullable: true }),
          col.int("conversion_order_id", { nullable: true }),
          col.int("revenue_cents", { default: 0 }),
          col.createdAt(),
          col.updatedAt(),
        ],
        indices: indexed
          ? [
              index(`UQ_${name}_campaign_customer`, ["campaign_id", "customer_id"], true),
              index(`UQ_${name}_campaign_group`, ["campaign_id", "group_id"], true),
              index(`IDX_${name}_task_status`, ["task_id", "status"]),
              index(`IDX_${name}_customer_created`, ["customer_id", "created_at"]),
            ]
          : [],
      }),
      true,
    );
    return name;
  } finally {
    await runner.release();
  }
}

// ---------------------------------------------------------------- the corp

type Value = string | number | null;

/** The first follower of customer i (a scattered but fixed staff member). */
const ownerOf = (i: number, staff: number) => ((i * 7919) % staff) + 1;

/** Multi-row INSERTs of rows produced batch by batch, so the corp never sits in memory at once. */
async function load(
  ds: DataSource,
  table: string,
  columns: string[],
  total: number,
  row: (i: number) => Value[][],
): Promise<number> {
  const perStatement = Math.floor(MAX_PARAMS / columns.length);
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  const runner = ds.createQueryRunner();
  let written = 0;
  let pending: Value[][] = [];
  const flush = async () => {
    if (!pending.length) return;
    await runner.query(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${pending.map(() => tuple).join(", ")}`,
      pending.flat(),
    );
    written += pending.length;
    pending = [];
  };
  try {
    await runner.startTransaction();
    for (let i = 0; i < total; i++) {
      for (const r of row(i)) {
        pending.push(r);
        if (pending.length >= perStatement) await flush();
      }
      if (i % 50_000 === 49_999) {
        await flush();
        await runner.commitTransaction();
        await runner.startTransaction();
        process.stderr.write(`\r  ${table} ${i + 1}/${total}   `);
      }
    }
    await flush();
    await runner.commitTransaction();
    process.stderr.write(`\r  ${table} ${total}/${total}   \n`);
    return written;
  } finally {
    await runner.release();
  }
}

/** Stores of 20 staff each, the staff, their stores, customers, follow relations and RFM figures. */
async function generate(ds: DataSource, o: Options): Promise<number> {
  const created = sqlTime(new Date(NOW.getTime() - 800 * DAY));
  const stores = Math.max(1, Math.ceil(o.staff / 20));
  await load(ds, "stores", ["id", "code", "name", "city", "created_at", "updated_at"], stores, (i) => [
    [i + 1, `B${String(i + 1).padStart(4, "0")}`, `门店${i + 1}`, "上海", created, created],
  ]);
  await load(
    ds,
    "staff",
    ["id", "userid", "name", "kind", "status", "customer_contact_enabled", "created_at", "updated_at"],
    o.staff,
    (i) => [[i + 1, `bench${String(i + 1).padStart(5, "0")}`, `导购${i + 1}`, "guide", "active", 1, created, created]],
  );
  await load(ds, "staff_stores", ["staff_id", "store_id", "is_manager"], o.staff, (i) => [
    [i + 1, (i % stores) + 1, i < stores ? 1 : 0],
  ]);
  const names = createRng(o.seed, "customers");
  await load(
    ds,
    "customers",
    ["id", "external_userid", "name", "type", "gender", "source", "do_not_disturb", "created_at", "updated_at"],
    o.audience,
    (i) => [
      [
        i + 1,
        `wm${names.chars(10, BASE62)}${(i + 1).toString(36)}`,
        "客户",
        1,
        names.int(0, 2),
        "bench",
        0,
        created,
        created,
      ],
    ],
  );
  const rng = createRng(o.seed, "follows");
  let relationId = 0;
  const follows = await load(
    ds,
    "follow_relations",
    ["id", "customer_id", "staff_id", "add_way", "added_at", "status", "created_at", "updated_at"],
    o.audience,
    (i) => {
      const first = ownerOf(i, o.staff);
      const addedAt = NOW.getTime() - Math.floor(rng.next() * 700 * DAY) - DAY;
      const rows: Value[][] = [[++relationId, i + 1, first, 1, sqlTime(new Date(addedAt)), "active", created, created]];
      if (rng.chance(o.secondFollower)) {
        const other = ((first - 1 + 1 + rng.int(0, o.staff - 2)) % o.staff) + 1; // never the first
        const later = sqlTime(new Date(addedAt + Math.floor(rng.next() * 30 * DAY) + 1000));
        rows.push([++relationId, i + 1, other, 1, later, "active", created, created]);
      }
      return rows;
    },
  );
  if (o.rfm) {
    const r = createRng(o.seed, "rfm");
    await load(
      ds,
      "customer_rfm",
      [
        "customer_id",
        "computation_id",
        "recency_days",
        "frequency",
        "monetary_cents",
        "r_score",
        "f_score",
        "m_score",
        "segment",
        "lifecycle",
        "updated_at",
      ],
      o.audience,
      (i) => {
        const score = () => r.int(1, 5);
        return [
          [
            i + 1,
            1,
            r.int(0, 400),
            r.int(0, 20),
            r.int(0, 500_000),
            score(),
            score(),
            score(),
            r.pick(SEGMENTS),
            "active",
            created,
          ],
        ];
      },
    );
  }
  return follows;
}
