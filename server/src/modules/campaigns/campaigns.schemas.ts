import { z } from "zod";
import { ruleSchema } from "../segments/segment-rule.ts";
import type { CampaignChannel, CampaignStatus, TargetStatus } from "./campaign.entity.ts";

export const CHANNELS = ["private_chat", "mass_send", "group_post", "moments"] as const;
export const ASSIGNMENT_RULES = ["first_added", "last_added", "last_contacted"] as const;
export const CAMPAIGN_STATUSES = ["draft", "running", "paused", "cancelled", "finished"] as const;
export const TARGET_STATUSES = ["pending", "sent", "skipped", "failed", "converted", "control"] as const;

const isoTime = z.iso.datetime({ offset: true, message: "must be ISO 8601 with an offset" });
const id = z.number().int().positive();

/** One A/B variant: a material and its share of the treated audience in percent. */
const variantSchema = z.object({
  variant: z.string().regex(/^[A-Z]$/, "must be one capital letter (A, B, …)"),
  materialId: id,
  share: z.number().int("must be a whole percent").min(1, "at least 1").max(100, "at most 100"),
});

/** A saved segment, an inline rule, or an uploaded list (audience-lists). */
const audienceSchema = z.union(
  [z.object({ segmentId: id }).strict(), z.object({ rule: ruleSchema }).strict(), z.object({ listId: id }).strict()],
  { message: "needs one of segmentId, rule or listId" },
);

export const campaignInputSchema = z
  .object({
    name: z.string().trim().min(1, "is required").max(100, "at most 100 characters"),
    goal: z.string().trim().max(2000, "at most 2000 characters").optional(),
    audience: audienceSchema,
    channel: z.enum(CHANNELS),
    materials: z.array(variantSchema).min(1, "needs at least one material").max(5, "at most 5 variants"),
    scope: z
      .object({
        storeIds: z.array(id).max(500).optional(),
        staffIds: z.array(id).max(2000).optional(),
      })
      .strict()
      .default({}),
    startAt: isoTime,
    deadlineAt: isoTime,
    /** hours before the deadline */
    reminders: z
      .array(z.number().int().min(1, "at least 1 hour").max(720, "at most 720 hours"))
      .max(5, "at most 5 reminders")
      .default([24, 2]),
    conversionWindowDays: z.number().int().min(1, "at least 1 day").max(90, "at most 90 days").default(7),
    holdoutPercent: z.number().min(0, "at least 0").max(50, "at most 50").default(0),
    assignmentRule: z.enum(ASSIGNMENT_RULES).default("first_added"),
  })
  .superRefine((c, ctx) => {
    if (Date.parse(c.deadlineAt) <= Date.parse(c.startAt))
      ctx.addIssue({ code: "custom", path: ["deadlineAt"], message: "must be after startAt" });
    const variants = c.materials.map((m) => m.variant);
    variants.forEach((v, i) => {
      if (variants.indexOf(v) !== i)
        ctx.addIssue({ code: "custom", path: ["materials", i, "variant"], message: `variant ${v} appears twice` });
    });
    const total = c.materials.reduce((sum, m) => sum + m.share, 0);
    if (total !== 100)
      ctx.addIssue({
        code: "custom",
        path: ["materials"],
        message: `shares must add up to 100 (they add up to ${total})`,
      });
    if (c.channel === "group_post" && c.holdoutPercent > 0)
      ctx.addIssue({
        code: "custom",
        path: ["holdoutPercent"],
        message: "group posts reach whole groups: a customer holdout is not possible",
      });
  });

export type CampaignInput = z.infer<typeof campaignInputSchema>;
export type CampaignScope = { storeIds?: number[]; staffIds?: number[] };
export type MaterialVariant = z.infer<typeof variantSchema>;

export const campaignListQuery = z.object({
  status: z.enum(CAMPAIGN_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100, "at most 100").default(20),
});
export type CampaignListQuery = z.infer<typeof campaignListQuery>;

export const targetListQuery = z.object({
  status: z.enum(TARGET_STATUSES).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(50),
});
export type TargetListQuery = z.infer<typeof targetListQuery>;

export const taskListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(100),
});

export const skipSchema = z.object({ reason: z.string().trim().min(1, "is required").max(255) });

/** What the API returns for a campaign. */
export interface CampaignView {
  id: number;
  name: string;
  goal: string | null;
  status: CampaignStatus;
  channel: CampaignChannel;
  audience: { segmentId: number } | { rule: unknown } | { listId: number };
  materials: MaterialVariant[];
  scope: CampaignScope;
  startAt: string;
  deadlineAt: string;
  reminders: number[];
  conversionWindowDays: number;
  holdoutPercent: number;
  assignmentRule: (typeof ASSIGNMENT_RULES)[number];
  seed: number;
  launchReport: LaunchReport | null;
  createdBy: number | null;
  launchedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type TargetCounts = Record<TargetStatus, number> & { total: number };
export interface TaskCounts {
  total: number;
  open: number;
  done: number;
  overdue: number;
}

/** Stored in campaigns.launch_report. */
export interface LaunchReport {
  launchedAt: string;
  launchedBy: number | null;
  /** members of the audience when it was frozen */
  audience: number;
  /** left out before assignment, one reason per customer (first matching reason in this order) */
  excluded: {
    deleted_all_staff: number;
    do_not_disturb: number;
    frequency_cap: number;
    mass_send_same_day: number;
  };
  /** no in-scope staff member has ever followed them */
  unassignable: number;
  control: number;
  /** treated targets (customers, or groups for group_post) */
  targets: number;
  tasks: number;
  variants: Record<string, number>;
  /** group_post: the audience members reached through the groups */
  groups?: { members: number };
  notifications?: { sent: number; failed: { key: string; error: string }[] };
  massSends?: {
    created: number;
    failed: { taskId: number; error: string }[];
    failedRecipients: number;
    /** add_msg_template timed out: checked against WeCom's list later, then adopted or created again */
    unconfirmed?: number;
  };
}
