import { z } from "zod";
import { ruleSchema } from "./segment-rule.ts";

export const previewSchema = z.object({ rule: ruleSchema });
export const saveSegmentSchema = z.object({
  name: z.string().trim().min(1, "is required").max(100),
  description: z.string().trim().max(500).optional(),
  rule: ruleSchema,
});
