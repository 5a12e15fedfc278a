import { z } from "zod";
import { campaignInputSchema, type CampaignInput, type LaunchReport } from "../campaigns/campaigns.schemas.ts";
import type { AutomationKind, AutomationRunStatus } from "./automation.entity.ts";
import { scheduleProblem } from "./automation-schedule.ts";

export const AUTOMATION_KINDS = ["segment_schedule", "rfm_downgrade", "after_added"] as const;

/**
 * RFM segments by value, best first (rfm.md's table order, the same list as RfmService's
 * SEGMENT_VALUE_ORDER): a move down this list is a downgrade, e.g. important_value →
 * important_retain. Kept here so that configurations can be checked without the engine.
 */
export const SEGMENT_VALUE_ORDER = [
  "important_value",
  "important_develop",
  "important_keep",
  "important_retain",
  "general_value",
  "general_develop",
  "general_keep",
  "general_retain",
] as const;
export type SegmentKey = (typeof SEGMENT_VALUE_ORDER)[number];

export function isDowngrade(from: string, to: string): boolean {
  const a = SEGMENT_VALUE_ORDER.indexOf(from as SegmentKey);
  const b = SEGMENT_VALUE_ORDER.indexOf(to as SegmentKey);
  return a >= 0 && b > a;
}

/**
 * Automations reach individual customers, so their campaigns use the customer channels: a 1:1
 * chat or a WeCom mass send. Group posts and Moments reach whole groups or every contact, which
 * is not "exactly the new customers".
 */
export const AUTOMATION_CHANNELS = ["private_chat", "mass_send"] as const;

// a window that always passes the campaign schema's own date checks
const PROBE_START = "2030-01-01T00:00:00.000Z";
const PROBE_END = "2030-01-02T00:00:00.000Z";

const deadlineHoursSchema = z
  .number()
  .int("must be a whole number of hours")
  .min(1, "at least 1 hour")
  .max(720, "at most 720 hours")
  .default(72);

/**
 * The campaign an automation launches: the campaign fields (campaignInputSchema, with its
 * defaults and cross-field rules: variant shares, holdout, …) minus name, audience and dates,
 * plus `deadlineHours`, the deadline counted from the launch.
 */
export const templateSchema = z.record(z.string(), z.unknown()).transform((t, ctx) => {
  const { deadlineHours: rawDeadline, ...fields } = t;
  let ok = true;
  const problem = (path: (string | number)[], message: string) => {
    ok = false;
    ctx.addIssue({ code: "custom", path, message });
  };
  const deadline = deadlineHoursSchema.safeParse(rawDeadline);
  if (!deadline.success) for (const issue of deadline.error.issues) problem(["deadlineHours"], issue.message);
  const deadlineHours = deadline.data ?? 0;
  const badChannel = !(AUTOMATION_CHANNELS as readonly unknown[]).includes(fields.channel);
  if (badChannel) problem(["channel"], `must be one of ${AUTOMATION_CHANNELS.join(", ")}`);
  // a reminder must come after the launch
  if (deadline.success && Array.isArray(fields.reminders))
    fields.reminders.forEach((h, i) => {
      if (typeof h === "number" && h >= deadlineHours)
        problem(["reminders", i], "must be fewer hours than deadlineHours");
    });
  const probe = campaignInputSchema.safeParse({
    ...fields,
    name: "automation",
    audience: { rule: { all: [] } },
    startAt: PROBE_START,
    deadlineAt: PROBE_END,
  });
  if (!probe.success)
    for (const issue of probe.error.issues)
      if (!(badChannel && issue.path[0] === "channel")) problem(issue.path as (string | number)[], issue.message);
  if (!ok || !probe.success) return z.NEVER;
  const { name: _name, audience: _audience, startAt: _start, deadlineAt: _deadline, ...template } = probe.data;
  // the default reminders that do not fit before the deadline are simply left out
  if (fields.reminders === undefined) template.reminders = template.reminders.filter((h) => h < deadlineHours);
  return { ...template, deadlineHours };
});

export type CampaignTemplate = Omit<CampaignInput, "name" | "audience" | "startAt" | "deadlineAt"> & {
  deadlineHours: number;
};

const segmentScheduleConfig = z
  .object({
    segmentId: z.number().int().positive(),
    /** five-field cron, Asia/Shanghai */
    schedule: z
      .string()
      .trim()
      .min(1, "is required")
      .max(100)
      .superRefine((s, ctx) => {
        const problem = scheduleProblem(s);
        if (problem) ctx.addIssue({ code: "custom", message: problem });
      }),
  })
  .strict();

const segmentKey = z.enum(SEGMENT_VALUE_ORDER);
const downgradeConfig = z.union(
  [
    z.object({ anyDowngrade: z.literal(true) }).strict(),
    z
      .object({
        pairs: z
          .array(
            z
              .object({ from: segmentKey, to: segmentKey })
              .strict()
              .refine((p) => isDowngrade(p.from, p.to), { message: "is not a downgrade", path: ["to"] }),
          )
          .min(1, "needs at least one pair")
          .max(64),
      })
      .strict(),
  ],
  { message: "needs either anyDowngrade: true or pairs" },
);

const afterAddedConfig = z
  .object({ days: z.number().int("must be a whole number of days").min(1, "at least 1").max(365, "at most 365") })
  .strict();

const common = {
  name: z.string().trim().min(1, "is required").max(100, "at most 100 characters"),
  enabled: z.boolean().default(true),
  template: templateSchema,
};

export const automationInputSchema = z.discriminatedUnion("kind", [
  z.object({ ...common, kind: z.literal("segment_schedule"), config: segmentScheduleConfig }),
  z.object({ ...common, kind: z.literal("rfm_downgrade"), config: downgradeConfig }),
  z.object({ ...common, kind: z.literal("after_added"), config: afterAddedConfig }),
]);

export type AutomationInput = z.infer<typeof automationInputSchema>;
export type SegmentScheduleConfig = z.infer<typeof segmentScheduleConfig>;
export type DowngradeConfig = z.infer<typeof downgradeConfig>;
export type AfterAddedConfig = z.infer<typeof afterAddedConfig>;
export type AutomationConfig = SegmentScheduleConfig | DowngradeConfig | AfterAddedConfig;

export const automationListQuery = z.object({
  kind: z.enum(AUTOMATION_KINDS).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100, "at most 100").default(20),
});
export type AutomationListQuery = z.infer<typeof automationListQuery>;

export const runListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(50),
});
export type RunListQuery = z.infer<typeof runListQuery>;

/** The launch report's figures kept with a run. */
export type RunSummary = Pick<LaunchReport, "audience" | "excluded" | "unassignable" | "control" | "targets" | "tasks">;

export interface AutomationRunView {
  id: number;
  status: AutomationRunStatus;
  startedAt: string;
  finishedAt: string | null;
  /** customers this run acted on (new to the automation) */
  customers: number;
  campaignId: number | null;
  summary: RunSummary | null;
  error: string | null;
  /** the same error happened this many more times, the last at finishedAt */
  repeats: number;
}

export interface AutomationView {
  id: number;
  name: string;
  kind: AutomationKind;
  enabled: boolean;
  template: CampaignTemplate;
  config: AutomationConfig;
  activeSince: string;
  /** segment_schedule: when it runs next */
  nextRunAt: string | null;
  /** when it was last evaluated */
  checkedAt: string | null;
  /** customers acted on so far */
  customers: number;
  /** the latest runs, newest first */
  lastRuns: AutomationRunView[];
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}
