import { describe, expect, it } from "vitest";
import { fixedClock } from "../../platform/clock.ts";
import { compileRule } from "./segment-compiler.ts";
import { ruleSchema, type Rule } from "./segment-rule.ts";

const clock = fixedClock(new Date("2026-11-24T00:00:00Z"));

describe("segment rule compiler", () => {
  it("compiles nested groups to one parameterised expression (snapshot: a query change shows here)", () => {
    const rule = ruleSchema.parse({
      all: [
        { field: "segment", op: "in", values: ["important_value", "important_retain"] },
        {
          any: [
            { field: "tags", op: "all", tagIds: [3, 3, 4] },
            { field: "owner", op: "in", userids: ["li"] },
          ],
        },
        { field: "not_contacted_days", days: 7 },
      ],
    }) as Rule;
    const { sql, params } = compileRule(rule, clock);
    expect(sql.replace(/\s+/g, " ")).toMatchInlineSnapshot(
      `"(COALESCE(r.segment, '') IN (?, ?) AND ((SELECT COUNT(*) FROM customer_tags ct WHERE ct.customer_id = c.id AND ct.tag_id IN (?, ?)) = ? OR EXISTS (SELECT 1 FROM follow_relations f JOIN staff s ON s.id = f.staff_id WHERE f.customer_id = c.id AND f.status = 'active' AND s.userid IN (?))) AND NOT EXISTS (SELECT 1 FROM targets t WHERE t.customer_id = c.id AND t.sent_at > ?))"`,
    );
    expect(params).toEqual(["important_value", "important_retain", 3, 4, 2, "li", "2026-11-17 00:00:00.000"]);
  });

  it("never puts a value into the SQL text", () => {
    const hostile = "x') OR 1=1 --";
    const { sql, params } = compileRule(
      ruleSchema.parse({
        all: [
          { field: "owner", op: "in", userids: [hostile] },
          { field: "channel_state", op: "prefix", values: [hostile] },
        ],
      }) as Rule,
      clock,
    );
    expect(sql).not.toContain("1=1");
    expect(params).toContain(hostile);
  });

  it("refuses unknown fields, bad values and empty any-groups", () => {
    for (const bad of [
      { all: [{ field: "password", op: "in", values: ["x"] }] },
      { all: [{ field: "segment", op: "in", values: ["vip"] }] },
      { all: [{ field: "score", dimension: "r", range: { min: 0 } }] },
      { all: [{ field: "figure", figure: "frequency", range: { min: 5, max: 1 } }] },
      { any: [] },
      { all: [], extra: 1 },
    ])
      expect(ruleSchema.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
  });
});
