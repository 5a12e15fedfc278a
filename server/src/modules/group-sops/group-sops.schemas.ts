import { z } from "zod";
import { sopScheduleProblem } from "./group-sop-schedule.ts";

/** Which groups an SOP posts to: explicit groups, or every group of some owners or stores. */
export type SopTargets =
  | { kind: "groups"; groupIds: number[] }
  | { kind: "owners"; staffIds: number[] }
  | { kind: "stores"; storeIds: number[] };

/**
 * created: tasks committed, bot posts and notifications still to do; posting: a runner claimed
 * the bot posts; done: all of it finished. missed: the occurrence's due window had already
 * passed when it was found; empty: no active group matched; failed: see error (e.g. the
 * material was archived).
 */
export type SopRunStatus = "created" | "posting" | "done" | "missed" | "empty" | "failed";

const id = z.number().int().positive();
const ids = (max: number) =>
  z
    .array(id)
    .min(1, "needs at least one")
    .max(max, `at most ${max}`)
    .transform((xs) => [...new Set(xs)].sort((a, b) => a - b));

export const sopTargetsSchema = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("groups"), groupIds: ids(2000) }).strict(),
    z.object({ kind: z.literal("owners"), staffIds: ids(2000) }).strict(),
    z.object({ kind: z.literal("stores"), storeIds: ids(500) }).strict(),
  ],
  { message: "kind must be groups, owners or stores" },
);

export const sopInputSchema = z.object({
  name: z.string().trim().min(1, "is required").max(100, "at most 100 characters"),
  materialId: id,
  targets: sopTargetsSchema,
  /** five cron fields in Asia/Shanghai: `0 10 * * *` daily at 10:00, `0 18 * * 5` Fridays at 18:00 */
  schedule: z
    .string()
    .trim()
    .max(100, "at most 100 characters")
    .superRefine((expr, ctx) => {
      const problem = sopScheduleProblem(expr);
      if (problem) ctx.addIssue({ code: "custom", message: problem });
    }),
  dueHours: z.number().int("must be whole hours").min(1, "at least 1 hour").max(168, "at most 168 hours").default(4),
  enabled: z.boolean().default(true),
  botAutoPost: z.boolean().default(false),
});
export type SopInput = z.infer<typeof sopInputSchema>;

export const toggleSchema = z.object({ enabled: z.boolean({ message: "must be true or false" }) });

export const sopListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100, "at most 100").default(20),
});
export type SopListQuery = z.infer<typeof sopListQuery>;

export const runListQuery = sopListQuery;

export const groupOptionsQuery = z.object({
  q: z.string().trim().max(64).optional(),
  ownerId: z.coerce.number().int().positive().optional(),
  storeId: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type GroupOptionsQuery = z.infer<typeof groupOptionsQuery>;

/** What the API returns for an SOP. */
export interface GroupSopView {
  id: number;
  name: string;
  materialId: number;
  material: { id: number; title: string; type: string } | null;
  targets: SopTargets;
  schedule: string;
  dueHours: number;
  enabled: boolean;
  botAutoPost: boolean;
  nextRunAt: string | null;
  lastRun: { occursAt: string; status: SopRunStatus } | null;
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

/** One occurrence in the SOP's history, with its targets counted by status. */
export interface GroupSopRunView {
  id: number;
  occursAt: string;
  status: SopRunStatus;
  campaignId: number | null;
  groups: number;
  tasks: number;
  skippedSlots: number;
  botPosted: number;
  botFailed: number;
  error: string | null;
  targets: { pending: number; sent: number; skipped: number; failed: number };
  dueAt: string | null;
}

export interface GroupOptionView {
  id: number;
  chatId: string;
  name: string;
  memberCount: number;
  owner: { id: number; name: string } | null;
}
