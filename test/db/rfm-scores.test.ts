import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { sqlTime } from "../../server/src/db/dialect.ts";
import { CustomerRfm } from "../../server/src/modules/rfm/rfm.entity.ts";
import { RfmService } from "../../server/src/modules/rfm/rfm.service.ts";
import { SettingsService } from "../../server/src/modules/settings/settings.service.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

/** rfm.md "Scores 1..5" and "The eight RFM segments", computed by hand. */
const AS_OF = new Date("2026-06-01T00:00:00.000Z");
const DAY = 86_400_000;
// an hour into the day, so that floor() of the recency is the whole number of days meant
const daysAgo = (d: number) => new Date(AS_OF.getTime() - d * DAY - 3600_000);

describe(`RFM scores and segments (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let rfm: RfmService;

  beforeAll(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    for (const t of ["orders", "customers", "customer_rfm", "tag_history", "customer_tags", "settings"])
      await ds.query(`DELETE FROM ${t}`);
    const clock = fixedClock(new Date("2026-06-02T08:00:00Z"));
    rfm = new RfmService(ds, clock, new SettingsService(ds, clock), createLogger("silent"));
  });

  /** A customer whose orders give exactly these figures: the last order `r` days ago, `f` orders worth `m` cents. */
  const customerWith = async (r: number, f: number, m: number) => {
    const g = given(ds);
    const c = await g.customer();
    for (let i = 0; i < f; i++) {
      const share = i === 0 ? m - Math.floor(m / f) * (f - 1) : Math.floor(m / f);
      await g.order({ customerId: c.id, paidAt: daysAgo(i === 0 ? r : r + i), amountCents: share });
    }
    return c.id;
  };
  const result = async (id: number) => {
    const r = await ds.getRepository(CustomerRfm).findOneByOrFail({ customerId: id });
    return { r: r.rScore, f: r.fScore, m: r.mScore, segment: r.segment };
  };

  it("scores by quantile with RANK: ties share a score (N = 7, by hand)", async () => {
    // customer: recency, frequency, monetary
    const c1 = await customerWith(0, 3, 30000);
    const c2 = await customerWith(5, 1, 5000);
    const c3 = await customerWith(5, 2, 12000);
    const c4 = await customerWith(10, 2, 12000);
    const c5 = await customerWith(20, 2, 8000);
    const c6 = await customerWith(20, 1, 2000);
    const c7 = await customerWith(40, 4, 50000);
    const done = await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(done.customersScored).toBe(7);

    // score = 1 + floor(5 * (rank - 1) / 7), rank counted worst first:
    // recency 40 → rank 1 → 1; 20, 20 → rank 2 → 1; 10 → rank 4 → 3; 5, 5 → rank 5 → 3; 0 → rank 7 → 5
    // frequency 1, 1 → 1; 2, 2, 2 → rank 3 → 2; 3 → rank 6 → 4; 4 → rank 7 → 5
    // monetary 2000 → 1; 5000 → rank 2 → 1; 8000 → rank 3 → 2; 12000, 12000 → rank 4 → 3; 30000 → rank 6 → 4; 50000 → 5
    // sums: R 17, F 17, M 19; High when score * 7 >= sum: R >= 3, F >= 3, M >= 3
    expect(await result(c1)).toEqual({ r: 5, f: 4, m: 4, segment: "important_value" }); // H H H
    expect(await result(c2)).toEqual({ r: 3, f: 1, m: 1, segment: "general_develop" }); // H L L
    expect(await result(c3)).toEqual({ r: 3, f: 2, m: 3, segment: "important_develop" }); // H L H
    expect(await result(c4)).toEqual({ r: 3, f: 2, m: 3, segment: "important_develop" }); // H L H
    expect(await result(c5)).toEqual({ r: 1, f: 2, m: 2, segment: "general_retain" }); // L L L
    expect(await result(c6)).toEqual({ r: 1, f: 1, m: 1, segment: "general_retain" }); // L L L
    expect(await result(c7)).toEqual({ r: 1, f: 5, m: 5, segment: "important_keep" }); // L H H
  });

  it("gives one scored customer the lowest score and the top segment (score * N >= sum)", async () => {
    const only = await customerWith(3, 1, 100);
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await result(only)).toEqual({ r: 1, f: 1, m: 1, segment: "important_value" });
  });

  it("gives everyone the same score when all values tie", async () => {
    const ids = [await customerWith(9, 2, 4000), await customerWith(9, 2, 4000), await customerWith(9, 2, 4000)];
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    for (const id of ids) expect(await result(id)).toEqual({ r: 1, f: 1, m: 1, segment: "important_value" });
  });

  it("scores customers with frequency 0 (orders only outside the window) lowest in F and M", async () => {
    const outside = await customerWith(400, 1, 90000); // recency 400, frequency 0, monetary 0
    const inside = await customerWith(10, 1, 1000);
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    // N = 2: the worse one ranks 1 → 1, the better one rank 2 → 1 + floor(5/2) = 3
    expect(await result(outside)).toEqual({ r: 1, f: 1, m: 1, segment: "general_retain" });
    expect(await result(inside)).toEqual({ r: 3, f: 3, m: 3, segment: "important_value" });
    const row = await ds.getRepository(CustomerRfm).findOneByOrFail({ customerId: outside });
    expect(row).toMatchObject({ recencyDays: 400, frequency: 0, monetaryCents: 0 });
  });

  it("scores by threshold at the exact break points", async () => {
    await rfm.updateSettings({ method: "threshold" }, "admin");
    // recency <= 30 → 5, <= 60 → 4, <= 120 → 3, <= 240 → 2, else 1
    const r = await Promise.all(
      [30, 31, 60, 61, 120, 121, 240, 241].map(async (d) => [d, await customerWith(d, 1, 1000)] as const),
    );
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    const rScores = Object.fromEntries(await Promise.all(r.map(async ([d, id]) => [d, (await result(id)).r])));
    expect(rScores).toEqual({ 30: 5, 31: 4, 60: 4, 61: 3, 120: 3, 121: 2, 240: 2, 241: 1 });
  });

  it("scores frequency and monetary by threshold, >= each break point", async () => {
    await rfm.updateSettings({ method: "threshold" }, "admin");
    const cases: [number, number, number, number][] = [
      // frequency, monetary, expected F, expected M
      [8, 300000, 5, 5],
      [7, 299999, 4, 4],
      [4, 100000, 4, 4],
      [3, 99999, 3, 3],
      [2, 50000, 3, 3],
      [1, 49999, 2, 2],
      [1, 10000, 2, 2],
      [1, 9999, 2, 1],
    ];
    const ids = [];
    for (const [f, m] of cases) ids.push(await customerWith(1, f, m));
    const zero = await customerWith(500, 1, 100); // frequency 0, monetary 0
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    for (const [i, [, , fe, me]] of cases.entries()) expect(await result(ids[i])).toMatchObject({ f: fe, m: me });
    expect(await result(zero)).toMatchObject({ r: 1, f: 1, m: 1 });
  });

  it("reads the threshold break points from the settings", async () => {
    await rfm.updateSettings(
      { method: "threshold", recency: [1, 2, 3, 4], frequency: [2, 3, 4, 5], monetary: [100, 200, 300, 400] },
      "admin",
    );
    const id = await customerWith(3, 3, 250);
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await result(id)).toMatchObject({ r: 3, f: 3, m: 3 });
  });

  it("is High when the score equals the mean exactly (score * N = sum)", async () => {
    await rfm.updateSettings({ method: "threshold" }, "admin");
    // recency scores 5, 3, 1: sum 9, N 3, mean 3; monetary 1 for all
    const best = await customerWith(10, 1, 100);
    const middle = await customerWith(100, 1, 100);
    const worst = await customerWith(300, 1, 100);
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await result(best)).toMatchObject({ r: 5, segment: "important_value" });
    expect(await result(middle)).toMatchObject({ r: 3, segment: "important_value" }); // 3 * 3 >= 9
    expect(await result(worst)).toMatchObject({ r: 1, segment: "important_keep" }); // L H H (frequency 0 for all)
  });

  it("compares High/Low in integers where a rounded mean would say otherwise", async () => {
    // 24 999 customers with frequency score 3 and one with 4: sum 75 001, N 25 000, mean 3.00004.
    // A DECIMAL(…,4) AVG (MySQL's) rounds that to 3.0000 and would call the 3s High; 3 * 25 000 < 75 001.
    await rfm.updateSettings({ method: "threshold" }, "admin");
    const n = 25_000;
    const at = sqlTime(new Date());
    const paid = (d: number) => sqlTime(daysAgo(d));
    const insert = async (table: string, columns: string[], rows: unknown[][]) => {
      for (let i = 0; i < rows.length; i += 2000) {
        const chunk = rows.slice(i, i + 2000);
        await ds.query(
          `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => `(${columns.map(() => "?").join(", ")})`).join(", ")}`,
          chunk.flat(),
        );
      }
    };
    const ids = Array.from({ length: n }, (_, i) => 1_000_000 + i);
    await insert(
      "customers",
      ["id", "external_userid", "name", "type", "gender", "source", "do_not_disturb", "created_at", "updated_at"],
      ids.map((id) => [id, `wmbulk${id}`, "客户", 1, 0, "test", 0, at, at]),
    );
    const orders: unknown[][] = [];
    for (const id of ids) {
      const count = id === ids[0] ? 4 : 2; // frequency 4 scores 4, frequency 2 scores 3
      for (let k = 0; k < count; k++)
        orders.push([`B${id}-${k}`, "ref", id, paid(5 + k), 1000, 0, "paid", "test", at, at]);
    }
    await insert(
      "orders",
      [
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
      orders,
    );
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    // R: everyone 5 (High); M: everyone 1 (High, 1 * N >= N); F decides
    expect(await result(ids[0])).toEqual({ r: 5, f: 4, m: 1, segment: "important_value" });
    expect(await result(ids[1])).toEqual({ r: 5, f: 3, m: 1, segment: "important_develop" });
    const [row] = await ds.query(
      "SELECT COUNT(*) AS n FROM customer_rfm WHERE segment = 'important_develop' AND f_score = 3",
    );
    expect(Number(row.n)).toBe(n - 1);
  });
});
