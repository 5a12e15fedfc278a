import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { parseDatabaseUrl } from "../../server/src/db/database-url.ts";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { num } from "../../server/src/db/dialect.ts";
import { ImportService } from "../../server/src/modules/imports/import.service.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { scratchMariadbMissing, startScratchMariadb, type ScratchMariadb } from "../support/scratch-mariadb.ts";
import { testDialect } from "../support/test-db.ts";
import { campaignKit } from "../api/campaigns-kit.ts";

/**
 * MariaDB crashes in the middle of a campaign launch and of a CSV import: the test runs its own
 * mariadbd (own data directory and port), SIGKILLs it at a chosen statement and starts it again.
 * Afterwards each operation has either completed or left nothing behind, nothing is duplicated,
 * and running it again on the same DataSource (the server process survived) completes it.
 */
const runs = testDialect() === "mysql";
if (runs && scratchMariadbMissing) console.warn(`faults-database: skipped, ${scratchMariadbMissing}`);

describe.skipIf(!runs || scratchMariadbMissing !== null)("MariaDB restarted mid-operation", () => {
  let db: ScratchMariadb;
  let ds: DataSource;
  /** the next statement matching `when` first kills the database */
  let trap: { when: RegExp; left: number } | null = null;

  beforeAll(async () => {
    db = await startScratchMariadb();
    ds = await openDatabase(parseDatabaseUrl(db.url("siyu_faults")), false);
    await migrate(ds);
    const create = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = (...args) => {
      const runner = create(...args);
      const query = runner.query.bind(runner);
      runner.query = (async (sql: string, ...rest: unknown[]) => {
        if (trap && trap.when.test(sql) && --trap.left === 0) {
          trap = null;
          await db.kill();
        }
        return (query as (...a: unknown[]) => Promise<unknown>)(sql, ...rest);
      }) as typeof runner.query;
      return runner;
    };
  });
  afterAll(async () => {
    await ds?.destroy().catch(() => undefined);
    await db?.destroy();
  });

  const count = async (sql: string, params: unknown[] = []) => num((await ds.query(sql, params))[0].n);

  it("a launch cut off by the crash left nothing; launched again it creates one set of targets and tasks", async () => {
    const k = await campaignKit(ds);
    const guide = await k.g.staff({ name: "王芳" });
    const other = await k.g.staff({ name: "李娜" });
    const ids = [...(await k.customers(150, guide.id)), ...(await k.customers(150, other.id))];
    const draft = await k.draft({ audience: { rule: await k.audience(ids) } });

    trap = { when: /INTO\s+targets/i, left: 1 }; // inside the launch transaction, after the claim and the freeze
    await expect(k.launch.launch(draft.id, k.hq)).rejects.toThrow();
    expect(trap).toBeNull();
    await db.start();

    // rolled back whole: still a draft, no audience, targets or tasks
    expect((await ds.query("SELECT status FROM campaigns WHERE id = ?", [draft.id]))[0].status).toBe("draft");
    for (const table of ["campaign_audience", "targets", "tasks"])
      expect(await count(`SELECT COUNT(*) AS n FROM ${table} WHERE campaign_id = ?`, [draft.id])).toBe(0);

    const { report } = await k.launch.launch(draft.id, k.hq);
    expect(report).toMatchObject({ targets: 300, tasks: 2 });
    expect(await count("SELECT COUNT(*) AS n FROM targets WHERE campaign_id = ?", [draft.id])).toBe(300);
    expect(await count("SELECT COUNT(DISTINCT customer_id) AS n FROM targets WHERE campaign_id = ?", [draft.id])).toBe(
      300,
    );
    expect(await count("SELECT COUNT(*) AS n FROM tasks WHERE campaign_id = ?", [draft.id])).toBe(2);
    await expect(k.launch.launch(draft.id, k.hq)).rejects.toThrow(/already launched/);
  });

  it("an import cut off by the crash kept whole batches; run again it completes without duplicates", async () => {
    const header = "external_userid,name,mobile,unionid,gender,owner_userid,added_at,store_code";
    const rows = Array.from({ length: 300 }, (_, i) => `wmCRASH${String(i).padStart(4, "0")},客户${i},,,1,,,`);
    const text = [header, ...rows].join("\n") + "\n";
    const imports = new ImportService(ds, systemClock, { batchSize: 50 });
    const run = () =>
      imports.run({ kind: "customers", source: "cli", filename: "crash.csv", actor: null, open: () => text });

    trap = { when: /INSERT INTO customers/i, left: 3 }; // the third batch
    await expect(run()).rejects.toThrow();
    expect(trap).toBeNull();
    await db.start();

    const kept = await count("SELECT COUNT(*) AS n FROM customers WHERE external_userid LIKE 'wmCRASH%'");
    expect(kept).toBe(100); // two whole batches, nothing of the third
    const [job] = await ds.query(
      "SELECT status, processed_rows, inserted FROM import_jobs WHERE filename = 'crash.csv'",
    );
    expect(num(job.processed_rows)).toBe(100);
    expect(num(job.inserted)).toBe(100);

    const again = await run();
    expect(again).toMatchObject({ status: "done", inserted: 200, unchanged: 100, rejected: 0 });
    expect(await count("SELECT COUNT(*) AS n FROM customers WHERE external_userid LIKE 'wmCRASH%'")).toBe(300);
    expect(
      await count("SELECT COUNT(DISTINCT external_userid) AS n FROM customers WHERE external_userid LIKE 'wmCRASH%'"),
    ).toBe(300);
  });
});
