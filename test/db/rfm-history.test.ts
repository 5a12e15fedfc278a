import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { readTime } from "../../server/src/db/dialect.ts";
import { RfmService, type Downgrade } from "../../server/src/modules/rfm/rfm.service.ts";
import { SettingsService } from "../../server/src/modules/settings/settings.service.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

/**
 * rfm.md "History and movement", the system tags and the export contract, over two computations
 * worked out by hand (N = 2 scored customers each time).
 *
 * Computation 1, asOf 2026-06-01: A bought 1 and 2 days ago (20 000), B 50 days ago (5 000), P never.
 *   R, F, M: A 3/3/3, B 1/1/1 (sum 4, High when score * 2 >= 4) → A important_value, B general_retain.
 *   Lifecycle: A new (first order 2 days ago), B active (recency 50), P prospect.
 * Computation 2, asOf + 100 days: B bought again 1 day before (50 000); Q joined as a new customer.
 *   A: recency 101, frequency 2, 20 000 → R 1 (L), F 1 (tie, H), M 1 (L) → general_keep, silent.
 *   B: recency 1, frequency 2, 55 000 → R 3, F 1 (H), M 3 → important_value, active.
 */
const AS_OF_1 = new Date("2026-06-01T00:00:00.000Z");
const AS_OF_2 = new Date(AS_OF_1.getTime() + 100 * 86_400_000);
const DAY = 86_400_000;

describe(`RFM history, tags and export (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let rfm: RfmService;
  let published: Downgrade[];

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
    for (const t of ["orders", "customers", "customer_rfm", "tag_history", "customer_tags", "rfm_computations"])
      await ds.query(`DELETE FROM ${t}`);
    const clock = fixedClock(new Date("2026-09-10T08:00:00Z"));
    published = [];
    rfm = new RfmService(ds, clock, new SettingsService(ds, clock), createLogger("silent"), {
      onDowngrades: (rows) => {
        published.push(...rows);
      },
    });
  });

  const twoComputations = async () => {
    const g = given(ds);
    const a = await g.customer({ externalUserid: "wmA" });
    const b = await g.customer({ externalUserid: "wmB" });
    const p = await g.customer({ externalUserid: "wm_p" });
    await g.order({ customerId: a.id, paidAt: new Date(AS_OF_1.getTime() - DAY), amountCents: 10000 });
    await g.order({ customerId: a.id, paidAt: new Date(AS_OF_1.getTime() - 2 * DAY), amountCents: 10000 });
    await g.order({ customerId: b.id, paidAt: new Date(AS_OF_1.getTime() - 50 * DAY), amountCents: 5000 });
    const first = await rfm.recompute({ asOf: AS_OF_1, triggeredBy: "test" });
    const q = await g.customer({ externalUserid: "wm-q" });
    await g.order({ customerId: b.id, paidAt: new Date(AS_OF_2.getTime() - DAY), amountCents: 50000 });
    const second = await rfm.recompute({ asOf: AS_OF_2, triggeredBy: "test" });
    return { a: a.id, b: b.id, p: p.id, q: q.id, first: first.id, second: second.id };
  };

  const history = async (computationId: number) => {
    const rows: Record<string, unknown>[] = await ds.query(
      `SELECT customer_id, kind, from_value, to_value, as_of FROM tag_history WHERE computation_id = ? ORDER BY customer_id, kind`,
      [computationId],
    );
    return rows.map((r) => ({
      customerId: Number(r.customer_id),
      kind: r.kind,
      from: r.from_value,
      to: r.to_value,
    }));
  };

  it("records segment and lifecycle changes per computation, from NULL for customers new to it", async () => {
    const { a, b, p, q, first, second } = await twoComputations();
    expect(await history(first)).toEqual(
      [
        { customerId: a, kind: "lifecycle", from: null, to: "new" },
        { customerId: a, kind: "segment", from: null, to: "important_value" },
        { customerId: b, kind: "lifecycle", from: null, to: "active" },
        { customerId: b, kind: "segment", from: null, to: "general_retain" },
        { customerId: p, kind: "lifecycle", from: null, to: "prospect" },
      ].sort((x, y) => x.customerId - y.customerId || x.kind.localeCompare(y.kind)),
    );
    // B stays active and P stays a prospect: no rows for what did not change
    expect(await history(second)).toEqual(
      [
        { customerId: a, kind: "lifecycle", from: "new", to: "silent" },
        { customerId: a, kind: "segment", from: "important_value", to: "general_keep" },
        { customerId: b, kind: "segment", from: "general_retain", to: "important_value" },
        { customerId: q, kind: "lifecycle", from: null, to: "prospect" },
      ].sort((x, y) => x.customerId - y.customerId || x.kind.localeCompare(y.kind)),
    );
    const asOf = await ds.query("SELECT DISTINCT as_of FROM tag_history WHERE computation_id = ?", [second]);
    expect(asOf.map((r: { as_of: unknown }) => readTime(r.as_of))).toEqual([AS_OF_2]);
  });

  it("recomputing the same data again records nothing new", async () => {
    const { second } = await twoComputations();
    const third = await rfm.recompute({ asOf: AS_OF_2, triggeredBy: "test" });
    expect(third.id).toBeGreaterThan(second);
    expect(await history(third.id)).toEqual([]);
  });

  it("shows the transition matrix between any two finished computations", async () => {
    const { first, second } = await twoComputations();
    const m = await rfm.transitionMatrix(first, second);
    expect(m.from.id).toBe(first);
    expect(m.to.id).toBe(second);
    expect(m.segments).toEqual([
      "important_value",
      "important_develop",
      "important_keep",
      "important_retain",
      "general_value",
      "general_develop",
      "general_keep",
      "general_retain",
    ]);
    expect(m.matrix).toEqual([
      { from: "important_value", to: "general_keep", count: 1 },
      { from: "general_retain", to: "important_value", count: 1 },
    ]);
    expect(m.lifecycle.stages).toEqual(["prospect", "new", "active", "silent", "churned"]);
    expect(m.lifecycle.matrix).toEqual([
      { from: null, to: "prospect", count: 1 },
      { from: "prospect", to: "prospect", count: 1 },
      { from: "new", to: "silent", count: 1 },
      { from: "active", to: "active", count: 1 },
    ]);
    // backwards and onto itself
    const back = await rfm.transitionMatrix(second, first);
    expect(back.matrix).toEqual([
      { from: "important_value", to: "general_retain", count: 1 },
      { from: "general_keep", to: "important_value", count: 1 },
    ]);
    expect(back.lifecycle.matrix).toContainEqual({ from: "prospect", to: null, count: 1 });
    const same = await rfm.transitionMatrix(first, first);
    expect(same.matrix).toEqual([
      { from: "important_value", to: "important_value", count: 1 },
      { from: "general_retain", to: "general_retain", count: 1 },
    ]);
    await expect(rfm.transitionMatrix(first, 999)).rejects.toMatchObject({
      status: 400,
      fields: [{ field: "to", reason: "no finished computation with this id" }],
    });
  });

  it("keeps per-computation counts for the admin", async () => {
    const { first, second } = await twoComputations();
    expect((await rfm.get(first)).counts).toEqual({
      segments: { important_value: 1, general_retain: 1 },
      lifecycle: { new: 1, active: 1, prospect: 1 },
    });
    expect((await rfm.get(second)).counts).toEqual({
      segments: { important_value: 1, general_keep: 1 },
      lifecycle: { silent: 1, active: 1, prospect: 2 },
    });
    expect(await rfm.currentCounts()).toEqual((await rfm.get(second)).counts);
    const list = await rfm.list(1, 1);
    expect(list).toMatchObject({ page: 1, pageSize: 1, total: 2, items: [{ id: second, status: "done" }] });
  });

  it("publishes downgrades: a worse segment, and active/new to silent to churned", async () => {
    const { a, second } = await twoComputations();
    const expected = [
      { customerId: a, computationId: second, kind: "segment", from: "important_value", to: "general_keep" },
      { customerId: a, computationId: second, kind: "lifecycle", from: "new", to: "silent" },
    ];
    expect(published).toMatchObject(expected);
    expect(published.every((d) => d.asOf.toISOString() === AS_OF_2.toISOString())).toBe(true);
    const since = await rfm.downgradesSince(0);
    expect(since).toMatchObject(expected);
    expect(await rfm.downgradesSince(since[1].historyId)).toEqual([]);
    expect(await rfm.downgradesSince(0, 1)).toHaveLength(1);
  });

  it("keeps customer_tags equal to the computed segment and stage, with the system tags in place", async () => {
    const { a, b, p, q } = await twoComputations();
    const tags: { customer_id: unknown; code: string; source: string }[] = await ds.query(
      `SELECT ct.customer_id, t.code, ct.source FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE ct.source IN ('rfm', 'lifecycle') ORDER BY ct.customer_id, t.code`,
    );
    expect(tags.map((t) => [Number(t.customer_id), t.code, t.source])).toEqual([
      [a, "lifecycle:silent", "lifecycle"],
      [a, "rfm:general_keep", "rfm"],
      [b, "lifecycle:active", "lifecycle"],
      [b, "rfm:important_value", "rfm"],
      [p, "lifecycle:prospect", "lifecycle"],
      [q, "lifecycle:prospect", "lifecycle"],
    ]);
    const groups = await ds.query("SELECT code, name, source FROM tag_groups ORDER BY sort, code");
    expect(groups).toEqual([
      { code: "rfm", name: "RFM 分层", source: "rfm" },
      { code: "lifecycle", name: "生命周期", source: "lifecycle" },
      { code: "group", name: "客户群", source: "group" },
    ]);
    const system: { code: string; name: string; source: string; is_system: unknown; group_code: string }[] =
      await ds.query(
        `SELECT t.code, t.name, t.source, t.is_system, g.code AS group_code FROM tags t JOIN tag_groups g ON g.id = t.group_id
          WHERE t.deleted_at IS NULL ORDER BY g.sort, t.sort`,
      );
    expect(system.map((t) => [t.group_code, t.code, t.name, t.source, Number(t.is_system)])).toEqual([
      ["rfm", "rfm:important_value", "重要价值客户", "rfm", 1],
      ["rfm", "rfm:important_develop", "重要发展客户", "rfm", 1],
      ["rfm", "rfm:important_keep", "重要保持客户", "rfm", 1],
      ["rfm", "rfm:important_retain", "重要挽留客户", "rfm", 1],
      ["rfm", "rfm:general_value", "一般价值客户", "rfm", 1],
      ["rfm", "rfm:general_develop", "一般发展客户", "rfm", 1],
      ["rfm", "rfm:general_keep", "一般保持客户", "rfm", 1],
      ["rfm", "rfm:general_retain", "一般挽留客户", "rfm", 1],
      ["lifecycle", "lifecycle:prospect", "潜在客户", "lifecycle", 1],
      ["lifecycle", "lifecycle:new", "新客", "lifecycle", 1],
      ["lifecycle", "lifecycle:active", "活跃", "lifecycle", 1],
      ["lifecycle", "lifecycle:silent", "沉默", "lifecycle", 1],
      ["lifecycle", "lifecycle:churned", "流失", "lifecycle", 1],
      ["group", "group_active", "群活跃", "group", 1],
      ["group", "group_silent", "群沉默", "group", 1],
    ]);
  });

  it("leaves manual tags alone and removes a segment when its last qualifying order is refunded", async () => {
    const { a } = await twoComputations();
    const [group] = await ds.query("SELECT id FROM tag_groups WHERE code = 'rfm'");
    const now = new Date().toISOString().replace("T", " ").replace("Z", "");
    await ds.query(
      `INSERT INTO tags (group_id, code, name, source, is_system, mirror_to_wecom, sort, created_at, updated_at)
       VALUES (?, 'manual:x', '手工', 'manual', 0, 0, 0, ?, ?)`,
      [group.id, now, now],
    );
    const [manual] = await ds.query("SELECT id FROM tags WHERE code = 'manual:x'");
    await ds.query("INSERT INTO customer_tags (customer_id, tag_id, source, created_at) VALUES (?, ?, 'manual', ?)", [
      a,
      manual.id,
      now,
    ]);
    await ds.query("UPDATE orders SET status = 'refunded' WHERE customer_id = ?", [a]);
    const third = await rfm.recompute({ asOf: AS_OF_2, triggeredBy: "test" });
    expect((await history(third.id)).filter((h) => h.customerId === a)).toEqual([
      { customerId: a, kind: "lifecycle", from: "silent", to: "prospect" },
      { customerId: a, kind: "segment", from: "general_keep", to: null },
    ]);
    const left = await ds.query(
      "SELECT t.code FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = ? ORDER BY t.code",
      [a],
    );
    expect(left.map((t: { code: string }) => t.code)).toEqual(["lifecycle:prospect", "manual:x"]);
  });

  it("exports the contract CSV in byte order of external_userid, prospects included", async () => {
    await twoComputations();
    await given(ds).customer({ externalUserid: null }); // not exported
    let csv = "";
    const rows = await rfm.exportCsv((chunk) => {
      csv += chunk;
    });
    expect(rows).toBe(4);
    // byte order: '-' < 'A' < 'B' < '_' (the column's case-insensitive MySQL collation would put wm_p second)
    expect(csv).toBe(
      [
        "external_userid,recency_days,frequency,monetary_cents,r_score,f_score,m_score,segment,lifecycle",
        "wm-q,,,,,,,,prospect",
        "wmA,101,2,20000,1,1,1,general_keep,silent",
        "wmB,1,2,55000,3,1,3,important_value,active",
        "wm_p,,,,,,,,prospect",
        "",
      ].join("\n"),
    );
  });

  it("exports in pages: many customers come out complete and in order", async () => {
    const at = new Date().toISOString().replace("T", " ").replace("Z", "");
    const ids = Array.from({ length: 12_345 }, (_, i) => `wm${String(i).padStart(6, "0")}${i % 2 ? "b" : "B"}`);
    for (let i = 0; i < ids.length; i += 2000) {
      const chunk = ids.slice(i, i + 2000);
      await ds.query(
        `INSERT INTO customers (external_userid, name, type, gender, source, do_not_disturb, created_at, updated_at) VALUES ${chunk
          .map(() => "(?, '', 1, 0, 'test', 0, ?, ?)")
          .join(", ")}`,
        chunk.flatMap((id) => [id, at, at]),
      );
    }
    await rfm.recompute({ asOf: AS_OF_1, triggeredBy: "test" });
    let csv = "";
    await rfm.exportCsv((chunk) => {
      csv += chunk;
    });
    const lines = csv.trimEnd().split("\n");
    expect(lines).toHaveLength(ids.length + 1);
    const keys = lines.slice(1).map((l) => l.split(",")[0]);
    expect(keys).toEqual([...ids].sort((x, y) => (Buffer.from(x) < Buffer.from(y) ? -1 : 1)));
    expect(lines[1]).toBe(`${keys[0]},,,,,,,,prospect`);
  });
});
