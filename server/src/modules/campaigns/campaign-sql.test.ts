import { DataSource } from "typeorm";
import { describe, expect, it } from "vitest";
import {
  conversionsSql,
  hashOf,
  hashSql,
  HASH_PRIME,
  inHoldout,
  launchStatements,
  raw,
  shanghaiDay,
  variantOf,
  type LaunchPlan,
} from "./campaign-sql.ts";
import { canMove } from "./target-moves.ts";

const plan = (over: Partial<LaunchPlan> = {}): LaunchPlan => ({
  campaignId: 7,
  channel: "mass_send",
  scope: { storeIds: [1, 2], staffIds: [9] },
  rule: "last_contacted",
  seed: 12345,
  holdoutBp: 1000,
  materials: [
    { variant: "A", materialId: 1, share: 60 },
    { variant: "B", materialId: 2, share: 40 },
  ],
  members: raw("FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id WHERE (c.id > ?)", 0),
  prefrozen: false,
  now: "2026-11-24 02:00:00.000",
  dueAt: "2026-11-27 02:00:00.000",
  frequencyCap: { maxTargets: 1, since: "2026-11-21 02:00:00.000" },
  day: { from: "2026-11-23 16:00:00.000", to: "2026-11-24 16:00:00.000" },
  ...over,
});

describe("launch SQL", () => {
  it.each(["sqlite", "mysql"] as const)(
    "is one set-based statement per step on %s (snapshot: a change shows here)",
    (dialect) => {
      const stmts = launchStatements(dialect, plan());
      // the freeze decides exclusions and owners; tasks come before the targets that carry them
      expect(stmts.map((s) => s.name)).toEqual(["freeze", "tasks", "targets", "mass_sends"]);
      for (const s of stmts) expect(s.text.split("?").length - 1).toBe(s.params.length);
      expect(stmts.map((s) => `-- ${s.name}\n${s.text.replace(/\s+/g, " ").trim()}`).join("\n")).toMatchSnapshot();
    },
  );

  it.each(["sqlite", "mysql"] as const)(
    "assigns an audience frozen before the launch with one UPDATE on %s (snapshot)",
    (dialect) => {
      const stmts = launchStatements(dialect, plan({ prefrozen: true }));
      expect(stmts.map((s) => s.name)).toEqual(["freeze", "assign", "tasks", "targets", "mass_sends"]);
      for (const s of stmts) expect(s.text.split("?").length - 1).toBe(s.params.length);
      const assign = stmts.find((s) => s.name === "assign")!.text.replace(/\s+/g, " ");
      // the reason never reads the owner this UPDATE writes (the databases disagree on which value it sees)
      expect(assign.slice(assign.indexOf("reason ="))).not.toContain("staff_id IS NULL");
      expect(assign).toMatchSnapshot();
    },
  );

  it("leaves out the mass-send day rule for other channels, and builds group targets for group posts", () => {
    const chat = launchStatements("sqlite", plan({ channel: "private_chat" }));
    expect(chat.find((s) => s.name === "freeze")!.text).not.toContain("mass_send_same_day");
    expect(chat.find((s) => s.name === "freeze")!.text).toContain("'unassignable'");
    const group = launchStatements("mysql", plan({ channel: "group_post", holdoutBp: 0 }));
    expect(group.map((s) => s.name)).toEqual(["freeze", "tasks", "targets"]);
    expect(group.find((s) => s.name === "freeze")!.text).not.toContain("'unassignable'");
    expect(group.find((s) => s.name === "targets")!.text).toContain("FROM customer_groups g");
    for (const s of group) expect(s.text.split("?").length - 1).toBe(s.params.length);
  });

  it("never puts a value into the text", () => {
    const hostile = "A') OR 1=1 --";
    const stmts = launchStatements("sqlite", plan({ materials: [{ variant: hostile, materialId: 1, share: 100 }] }));
    for (const s of stmts) expect(s.text).not.toContain("1=1");
  });

  it("finds conversions up to the window end inclusive on both dialects", () => {
    expect(conversionsSql("sqlite", { afterId: 0, now: "x", limit: 10 }).text).toContain(
      "o.paid_at <= strftime('%Y-%m-%d %H:%M:%f', t.sent_at, '+' || k.conversion_window_days || ' days')",
    );
    expect(conversionsSql("mysql", { afterId: 0, now: "x", limit: 10, campaignId: 3 }).text).toContain(
      "o.paid_at <= DATE_ADD(t.sent_at, INTERVAL k.conversion_window_days DAY)",
    );
  });
});

describe("seeded hashing", () => {
  it("computes in SQL exactly what its JavaScript twin computes", async () => {
    const ds = await new DataSource({ type: "better-sqlite3", database: ":memory:" }).initialize();
    try {
      await ds.query("CREATE TABLE ids (id INTEGER PRIMARY KEY)");
      const ids = [1, 2, 3, 1000, 65_535, 2_147_483_647, ...Array.from({ length: 500 }, (_, i) => 7 * i + 11)];
      await ds.query(`INSERT INTO ids (id) VALUES ${ids.map(() => "(?)").join(", ")}`, ids);
      const h = hashSql("id", 2_147_483_000);
      const rows: { id: number; h: number }[] = await ds.query(
        `SELECT id, ${h.text} AS h FROM ids ORDER BY id`,
        h.params,
      );
      expect(rows).toHaveLength(ids.length);
      for (const r of rows) expect(r.h).toBe(hashOf(r.id, 2_147_483_000));
    } finally {
      await ds.destroy();
    }
  });

  it("is a permutation of the residues (x³ mod P with P ≡ 2 mod 3)", () => {
    expect(HASH_PRIME % 3).toBe(2);
    const seen = new Set<number>();
    for (let id = 1; id <= 20_000; id++) seen.add(hashOf(id, 99));
    expect(seen.size).toBe(20_000);
  });

  it("draws the holdout share and the variant shares within tolerance, and a new seed draws anew", () => {
    const ids = Array.from({ length: 10_000 }, (_, i) => i + 1);
    const control = ids.filter((id) => inHoldout(id, 4242, 1500));
    expect(Math.abs(control.length / ids.length - 0.15)).toBeLessThan(0.015);
    const other = new Set(ids.filter((id) => inHoldout(id, 4243, 1500)));
    const overlap = control.filter((id) => other.has(id)).length / control.length;
    expect(overlap).toBeLessThan(0.3); // independent draws overlap about 15 %
    const materials = [
      { variant: "A", materialId: 1, share: 20 },
      { variant: "B", materialId: 2, share: 30 },
      { variant: "C", materialId: 3, share: 50 },
    ];
    const counts: Record<string, number> = {};
    for (const id of ids) counts[variantOf(id, 4242, materials)] = (counts[variantOf(id, 4242, materials)] ?? 0) + 1;
    expect(Math.abs(counts.A! / 10_000 - 0.2)).toBeLessThan(0.02);
    expect(Math.abs(counts.B! / 10_000 - 0.3)).toBeLessThan(0.02);
    // the variant is drawn independently of the holdout
    const inControlA = control.filter((id) => variantOf(id, 4242, materials) === "A").length / control.length;
    expect(Math.abs(inControlA - 0.2)).toBeLessThan(0.05);
  });
});

describe("helpers", () => {
  it("finds the Shanghai natural day in UTC", () => {
    expect(shanghaiDay(new Date("2026-11-24T15:59:59.999Z"))).toEqual({
      from: new Date("2026-11-23T16:00:00.000Z"),
      to: new Date("2026-11-24T16:00:00.000Z"),
    });
    expect(shanghaiDay(new Date("2026-11-24T16:00:00.000Z")).from).toEqual(new Date("2026-11-24T16:00:00.000Z"));
  });

  it("allows only the lifecycle's moves", () => {
    expect(canMove("pending", "sent")).toBe(true);
    expect(canMove("pending", "skipped")).toBe(true);
    expect(canMove("pending", "failed")).toBe(true);
    expect(canMove("sent", "converted")).toBe(true);
    for (const [from, to] of [
      ["sent", "pending"],
      ["sent", "failed"],
      ["skipped", "sent"],
      ["failed", "sent"],
      ["converted", "sent"],
      ["control", "sent"],
      ["pending", "converted"],
    ] as const)
      expect(canMove(from, to)).toBe(false);
  });
});
