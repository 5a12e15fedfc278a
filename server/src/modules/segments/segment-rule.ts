import { z } from "zod";
import { LIFECYCLE_STAGES, SEGMENT_KEYS } from "../customers/customers.schemas.ts";

/**
 * The segment rule model (tasks.md / issue 5): nested all/any groups of conditions. Every
 * condition names a field, an operator and typed values; anything else is refused at validation,
 * so the compiler never meets input it did not expect.
 */
const ids = z.array(z.number().int().positive()).min(1, "needs at least one id").max(500);
const strs = z.array(z.string().trim().min(1).max(128)).min(1, "needs at least one value").max(500);
const isoTime = z.iso.datetime({ offset: true, message: "must be ISO 8601 with an offset" });
const range = z
  .object({ min: z.number().int().min(0).optional(), max: z.number().int().min(0).optional() })
  .refine((r) => r.min !== undefined || r.max !== undefined, { message: "needs min or max" })
  .refine((r) => r.min === undefined || r.max === undefined || r.min <= r.max, { message: "min must not exceed max" });

export const conditionSchema = z.discriminatedUnion("field", [
  z.object({ field: z.literal("segment"), op: z.enum(["in", "not_in"]), values: z.array(z.enum(SEGMENT_KEYS)).min(1) }),
  z.object({
    field: z.literal("lifecycle"),
    op: z.enum(["in", "not_in"]),
    values: z.array(z.enum(LIFECYCLE_STAGES)).min(1),
  }),
  z.object({
    field: z.literal("score"),
    dimension: z.enum(["r", "f", "m"]),
    range: range.refine((r) => (r.min ?? 1) >= 1 && (r.max ?? 5) <= 5, { message: "scores are 1..5" }),
  }),
  z.object({ field: z.literal("figure"), figure: z.enum(["recency_days", "frequency", "monetary_cents"]), range }),
  z.object({ field: z.literal("tags"), op: z.enum(["any", "all", "none"]), tagIds: ids }),
  z.object({ field: z.literal("group_member"), op: z.enum(["in", "not_in"]), groupIds: ids.optional() }),
  z.object({
    field: z.literal("group_activity"),
    op: z.enum(["active_within_days", "silent_for_days"]),
    days: z.number().int().min(1).max(365),
  }),
  z.object({ field: z.literal("store"), op: z.enum(["in", "not_in"]), storeIds: ids }),
  z.object({ field: z.literal("owner"), op: z.enum(["in", "not_in"]), userids: strs }),
  z
    .object({ field: z.literal("follow_date"), from: isoTime.optional(), to: isoTime.optional() })
    .refine((c) => c.from || c.to, { message: "needs from or to" }),
  z.object({ field: z.literal("channel_state"), op: z.enum(["in", "prefix"]), values: strs }),
  z.object({ field: z.literal("not_contacted_days"), days: z.number().int().min(1).max(365) }),
  z.object({ field: z.literal("not_in_campaign"), campaignIds: ids }),
]);

export type Condition = z.infer<typeof conditionSchema>;
export type Rule = { all: RuleNode[] } | { any: RuleNode[] };
export type RuleNode = Condition | Rule;

const MAX_DEPTH = 5;
const node: z.ZodType<RuleNode> = z.lazy(() => z.union([conditionSchema, ruleSchema]));
export const ruleSchema: z.ZodType<Rule> = z.lazy(() =>
  z.union([
    z.object({ all: z.array(node).max(50, "at most 50 conditions in a group") }).strict(),
    z
      .object({
        any: z.array(node).min(1, "an any-group needs a condition").max(50, "at most 50 conditions in a group"),
      })
      .strict(),
  ]),
);

/** Depth is checked after parsing (zod's lazy types cannot count it). */
export function ruleDepth(rule: RuleNode): number {
  if ("all" in rule) return 1 + Math.max(0, ...rule.all.map(ruleDepth));
  if ("any" in rule) return 1 + Math.max(0, ...rule.any.map(ruleDepth));
  return 0;
}
export { MAX_DEPTH };
