import { parseArgs } from "node:util";
import { destination } from "pino";
import type { DataSource } from "typeorm";
import { parseDatabaseUrl } from "../src/db/database-url.ts";
import { migrate, openDatabase } from "../src/db/database.ts";
import { dialectOf, num, sqlTime } from "../src/db/dialect.ts";
import { createRng } from "../src/demo/random.ts";
import { businessDay, type BotEvent } from "../src/modules/bot/bot-events.ts";
import { BotPipeline, DEFAULT_PIPELINE } from "../src/modules/bot/bot-pipeline.ts";
import { BotWriter } from "../src/modules/bot/bot-writer.ts";
import { fixedClock } from "../src/platform/clock.ts";
import { createLogger } from "../src/platform/logger.ts";
import { freshDatabase, releaseFresh, load, printResult, timed } from "./bench-kit.ts";

/**
 * `npm run bench:bot -- [--messages N] [--rooms R] [--members M] [--batch B] [--db sqlite|mysql]
 * [--runs K] [--seed S] [--keep]`
 *
 * Feeds N mock room messages (default 100 000; R rooms of M members each, 90 % of them known as
 * group members, over a week) through the bot pipeline (batching, remembered ids, per room/day
 * and per member figures, projection onto group_activity_daily and group_members) into a fresh
 * database, and times it against the floor: a multi-row insert of the same number of rows into
 * a scratch table; both K times (default 3), alternately, the best of each compared (this runs on
 * shared machines). Target: at most 3 times the floor. The last line printed is one JSON object
 * (domain.md "Benchmarks").
 */

const START = new Date("2026-06-01T00:00:00.000Z");
const TARGET_RATIO = 3;

interface Options {
  messages: number;
  rooms: number;
  members: number;
  batch: number;
  db: "sqlite" | "mysql";
  seed: number;
  runs: number;
  keep: boolean;
}

export async function main(argv: string[]): Promise<number> {
  let opts: Options;
  try {
    opts = options(argv);
  } catch (err) {
    process.stderr.write(`bench:bot: ${(err as Error).message}\n`);
    return 2;
  }
  const place = freshDatabase(opts.db);
  const target = parseDatabaseUrl(place.url);
  const log = createLogger("warn", destination(2));
  let ds: DataSource | undefined;
  try {
    ds = await openDatabase(target);
    await migrate(ds);
    await world(ds, opts);
    const events = messages(opts);

    // (a) the floor: the same number of rows, inserted as multi-row INSERTs into a scratch table
    await ds.query(
      `CREATE TABLE bench_floor (event_key varchar(191) NOT NULL PRIMARY KEY, room_id varchar(128) NOT NULL,
         member_key varchar(128) NOT NULL, day varchar(10) NOT NULL, at datetime(3) NOT NULL)`,
    );
    const floorRow = (i: number) => {
      const e = events[i] as Extract<BotEvent, { kind: "message" }>;
      return [`m:${e.messageId}`, e.room.id, e.talkerId, businessDay(e.at), sqlTime(e.at)];
    };
    // (b) the pipeline, as the Wechaty runner drives it: accept() each event, then drain.
    // Each is timed `runs` times, alternately, from empty tables; the best of each is compared.
    const floors: number[] = [];
    const pipelineRuns: number[] = [];
    let stats: ReturnType<BotPipeline["snapshot"]> | undefined;
    for (let run = 0; run < opts.runs; run++) {
      await ds.query("DELETE FROM bench_floor");
      floors.push(
        (
          await timed(() =>
            load(ds!, "bench_floor", ["event_key", "room_id", "member_key", "day", "at"], events.length, floorRow),
          )
        ).ms,
      );
      for (const t of [
        "bot_rooms",
        "bot_seen_events",
        "bot_room_days",
        "bot_member_days",
        "bot_room_members",
        "group_activity_daily",
      ])
        await ds.query(`DELETE FROM ${t}`);
      await ds.query("UPDATE group_members SET message_count = 0, last_message_at = NULL");
      const clock = fixedClock(new Date(START.getTime() + 8 * 86_400_000));
      const pipeline = new BotPipeline(new BotWriter(ds, clock), log, {
        batchSize: opts.batch,
        flushIntervalMs: DEFAULT_PIPELINE.flushIntervalMs,
        highWater: opts.batch * 2,
      });
      pipelineRuns.push(
        (
          await timed(async () => {
            for (const e of events) await pipeline.accept(e);
            await pipeline.drain();
          })
        ).ms,
      );
      stats = pipeline.snapshot();
      process.stderr.write(
        `  run ${run + 1}: floor ${floors[run]!.toFixed(0)} ms, pipeline ${pipelineRuns[run]!.toFixed(0)} ms\n`,
      );
    }
    const f = { ms: Math.min(...floors) };
    const r = { ms: Math.min(...pipelineRuns) };

    // the figures add up: every message once on its group's days, on its member
    const projected = num(
      (await ds.query("SELECT SUM(messages) AS n FROM group_activity_daily WHERE source = 'bot'"))[0]?.n,
    );
    const onMembers = num((await ds.query("SELECT SUM(message_count) AS n FROM group_members"))[0]?.n);
    const roomMembers = num((await ds.query("SELECT SUM(messages) AS n FROM bot_member_days"))[0]?.n);
    const linked = num(
      (
        await ds.query(
          `SELECT SUM(d.messages) AS n FROM bot_member_days d JOIN bot_room_members m
              ON m.bot_room_id = d.bot_room_id AND m.member_key = d.member_key WHERE m.group_member_id IS NOT NULL`,
        )
      )[0]?.n,
    );
    const ok = projected === opts.messages && roomMembers === opts.messages && onMembers === linked;

    const peak = process.resourceUsage().maxRSS / 1024;
    const result = {
      floor_ms: Math.round(f.ms),
      run_ms: Math.round(r.ms),
      ratio: Math.round((r.ms / f.ms) * 100) / 100,
      peak_rss_mb: Math.round(peak),
      db: opts.db,
      server: dialectOf(ds) === "sqlite" ? `sqlite ${await version(ds)}` : await version(ds),
      messages: opts.messages,
      rooms: opts.rooms,
      members_per_room: opts.members,
      batch: opts.batch,
      messages_per_s: Math.round(opts.messages / (r.ms / 1000)),
      counted: stats!.counted,
      runs: opts.runs,
      floor_runs_ms: floors.map(Math.round),
      pipeline_runs_ms: pipelineRuns.map(Math.round),
      target_ratio: TARGET_RATIO,
      within_target: r.ms / f.ms <= TARGET_RATIO,
      figures_add_up: ok,
      seed: opts.seed,
    };
    printResult(
      [
        ["database", result.server],
        ["messages / rooms / members", `${opts.messages} / ${opts.rooms} / ${opts.rooms * opts.members}`],
        ["(a) floor: multi-row insert of the same count", `${f.ms.toFixed(0)} ms (best of ${opts.runs})`],
        [
          "(b) bot pipeline",
          `${r.ms.toFixed(0)} ms (best of ${opts.runs}; batches of ${opts.batch}, ${result.messages_per_s} msg/s)`,
        ],
        ["ratio b / a", `${result.ratio.toFixed(2)} (target <= ${TARGET_RATIO})`],
        [
          "figures add up",
          `${ok} (days ${projected}, room members ${roomMembers}, group members ${onMembers}/${linked})`,
        ],
        ["peak RSS", `${result.peak_rss_mb} MB`],
      ],
      result,
    );
    return ok ? 0 : 1;
  } catch (err) {
    process.stderr.write(`bench:bot failed: ${(err as Error)?.stack ?? String(err)}\n`);
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
      messages: { type: "string", default: "100000" },
      rooms: { type: "string", default: "200" },
      members: { type: "string", default: "50" },
      batch: { type: "string", default: String(DEFAULT_PIPELINE.batchSize) },
      db: { type: "string", default: "sqlite" },
      seed: { type: "string", default: "1" },
      runs: { type: "string", default: "3" },
      keep: { type: "boolean", default: false },
    },
  });
  const int = (name: string, v: string) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer`);
    return n;
  };
  if (values.db !== "sqlite" && values.db !== "mysql") throw new Error("--db must be sqlite or mysql");
  return {
    messages: int("messages", values.messages),
    rooms: int("rooms", values.rooms),
    members: int("members", values.members),
    batch: int("batch", values.batch),
    db: values.db,
    seed: int("seed", values.seed),
    runs: int("runs", values.runs),
    keep: values.keep,
  };
}

const roomId = (r: number) => `wrBench${String(r).padStart(5, "0")}@chatroom`;
const memberId = (r: number, m: number) => `wmBench${r}x${m}`;

/** Groups whose chat ids are the rooms' ids; 90 % of each room's members known as group members. */
async function world(ds: DataSource, o: Options): Promise<void> {
  const t = sqlTime(START);
  await load(
    ds,
    "customer_groups",
    ["chat_id", "name", "owner_userid", "status", "member_count", "wecom_status", "created_at", "updated_at"],
    o.rooms,
    (r) => [roomId(r), `群${r}`, "owner", "active", o.members, 0, t, t],
  );
  const ids: { id: unknown; chat_id: string }[] = await ds.query("SELECT id, chat_id FROM customer_groups");
  const groupOf = new Map(ids.map((g) => [g.chat_id, num(g.id)]));
  await load(
    ds,
    "group_members",
    ["group_id", "member_id", "member_type", "name", "is_admin", "message_count", "created_at", "updated_at"],
    o.rooms * o.members,
    (i) => {
      const r = Math.floor(i / o.members);
      const m = i % o.members;
      if (m % 10 === 9) return null; // not (yet) synced from WeCom
      return [groupOf.get(roomId(r))!, memberId(r, m), 2, `成员${m}`, 0, 0, t, t];
    },
  );
}

/** The messages in arrival order: random rooms and talkers over seven days. */
function messages(o: Options): BotEvent[] {
  const rng = createRng(o.seed);
  const span = 7 * 86_400_000;
  const out: BotEvent[] = [];
  for (let i = 0; i < o.messages; i++) {
    const r = rng.int(0, o.rooms - 1);
    const m = rng.int(0, o.members - 1);
    out.push({
      kind: "message",
      messageId: `bench-${i}`,
      room: { id: roomId(r), topic: `群${r}`, ownerId: "owner" },
      talkerId: memberId(r, m),
      talkerName: `成员${m}`,
      at: new Date(START.getTime() + Math.floor((i / o.messages) * span) + rng.int(0, 59_999)),
    });
  }
  return out;
}

async function version(ds: DataSource): Promise<string> {
  const [row] = await ds.query(dialectOf(ds) === "sqlite" ? "SELECT sqlite_version() AS v" : "SELECT VERSION() AS v");
  return String(row?.v);
}
