import { describe, expect, it } from "vitest";
import type { Rule } from "@/api/segments";
import {
  changeField,
  fromRule,
  newCondition,
  newGroup,
  ruleErrors,
  toRule,
  type UiCondition,
  type UiGroup,
} from "./data";

function cond(patch: Partial<UiCondition>): UiCondition {
  const c = newCondition(patch.field ?? "segment");
  return Object.assign(c, patch);
}

describe("segment rule builder model", () => {
  it("turns nested groups into the server's rule, money in cents and dates in the corp's time zone", () => {
    const root = newGroup("all", [
      cond({ field: "segment", op: "in", values: ["important_value", "important_keep"] }),
      newGroup("any", [
        cond({ field: "figure", figure: "monetary_cents", min: 100.5, max: null }),
        cond({ field: "score", dimension: "f", min: 4, max: 5 }),
        cond({ field: "tags", op: "none", ids: [7] }),
      ]),
      cond({ field: "follow_date", from: "2026-01-01", to: "2026-01-31" }),
      cond({ field: "owner", op: "not_in", values: ["li"] }),
      cond({ field: "not_contacted_days", days: 14 }),
    ]);
    expect(toRule(root)).toEqual({
      all: [
        { field: "segment", op: "in", values: ["important_value", "important_keep"] },
        {
          any: [
            { field: "figure", figure: "monetary_cents", range: { min: 10050 } },
            { field: "score", dimension: "f", range: { min: 4, max: 5 } },
            { field: "tags", op: "none", tagIds: [7] },
          ],
        },
        { field: "follow_date", from: "2026-01-01T00:00:00.000+08:00", to: "2026-01-31T23:59:59.999+08:00" },
        { field: "owner", op: "not_in", userids: ["li"] },
        { field: "not_contacted_days", days: 14 },
      ],
    });
  });

  it("leaves unfinished conditions and empty any-groups out of the live preview, but not out of a save", () => {
    const root = newGroup("all", [
      cond({ field: "lifecycle", op: "in", values: [] }),
      newGroup("any", []),
      cond({ field: "store", op: "in", ids: [2] }),
    ]);
    expect(toRule(root)).toEqual({ all: [{ field: "store", op: "in", storeIds: [2] }] });
    expect(toRule(root, true)).toEqual({
      all: [{ field: "lifecycle", op: "in", values: [] }, { any: [] }, { field: "store", op: "in", storeIds: [2] }],
    });
  });

  it("reads a saved rule back into the same tree (round trip)", () => {
    const rule: Rule = {
      any: [
        { field: "lifecycle", op: "not_in", values: ["churned"] },
        {
          all: [
            { field: "figure", figure: "monetary_cents", range: { min: 5000, max: 100000 } },
            { field: "group_member", op: "in" },
            { field: "group_activity", op: "silent_for_days", days: 30 },
          ],
        },
        { field: "follow_date", from: "2026-03-01T00:00:00.000+08:00" },
        { field: "channel_state", op: "prefix", values: ["store_"] },
        { field: "not_in_campaign", campaignIds: [3] },
      ],
    };
    const tree = fromRule(rule);
    expect(tree.mode).toBe("any");
    const money = (tree.children[1] as UiGroup).children[0] as UiCondition;
    expect([money.min, money.max]).toEqual([50, 1000]); // yuan in the form
    expect((tree.children[2] as UiCondition).from).toBe("2026-03-01");
    expect(toRule(tree, true)).toEqual({
      any: [
        rule.any[0],
        rule.any[1],
        { field: "follow_date", from: "2026-03-01T00:00:00.000+08:00" },
        rule.any[3],
        rule.any[4],
      ],
    });
  });

  it("puts each server error next to the condition its path names", () => {
    const bad = cond({ field: "tags", op: "any", ids: [] });
    const inner = cond({ field: "segment", values: [] });
    const root = newGroup("all", [cond({ field: "store", ids: [1] }), newGroup("any", [inner]), bad]);
    expect(
      ruleErrors(root, [
        { field: "rule.all.2.tagIds", reason: "needs at least one id" },
        { field: "audience.rule.all.1.any.0.values", reason: "too small" },
        { field: "name", reason: "is required" },
      ]),
    ).toEqual({ [bad.key]: "needs at least one id", [inner.key]: "too small" });
  });

  it("clears a condition's inputs when its field changes, keeping its key", () => {
    const c = cond({ field: "segment", values: ["general_keep"] });
    const key = c.key;
    changeField(c, "tags");
    expect(c).toMatchObject({ key, field: "tags", op: "any", values: [], ids: [] });
  });
});
