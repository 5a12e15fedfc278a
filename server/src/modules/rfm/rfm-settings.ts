import { Cron } from "croner";
import { z } from "zod";

/** Where the RFM settings live in the `settings` table. */
export const RFM_SETTING = "rfm";
/** The corp's business time zone: the nightly schedule is read in it. */
export const RFM_TIMEZONE = "Asia/Shanghai";

const DAYS_MAX = 3650;
const days = (min: number) =>
  z
    .number()
    .int("must be a whole number of days")
    .min(min, `must be at least ${min}`)
    .max(DAYS_MAX, `must be at most ${DAYS_MAX}`);

/** Four ascending break points of the threshold method (rfm.md "Scores"). */
const breakPoints = (max: number) =>
  z
    .array(z.number().int("must be a whole number").min(0, "must be 0 or more").max(max, `must be at most ${max}`))
    .length(4, "must have exactly four break points")
    .refine((v) => v.every((x, i) => i === 0 || x > v[i - 1]), "must be strictly ascending");

const cron = z
  .string()
  .trim()
  .refine((v) => {
    try {
      new Cron(v, { mode: "5-part", paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  }, "must be a cron expression with five fields (minute hour day month weekday)");

const shape = {
  method: z.enum(["quantile", "threshold"]),
  windowDays: days(1),
  recency: breakPoints(36500),
  frequency: breakPoints(1_000_000),
  monetary: breakPoints(1_000_000_000_000),
  newDays: days(1),
  activeDays: days(1),
  churnDays: days(1),
  groupActiveDays: days(1),
  groupSilentDays: days(1),
  schedule: cron,
};

type Shape = { [K in keyof typeof shape]: z.infer<(typeof shape)[K]> };

const consistent = (v: Shape, ctx: z.RefinementCtx) => {
  if (v.activeDays >= v.churnDays)
    ctx.addIssue({ code: "custom", path: ["activeDays"], message: "must be less than churnDays" });
  if (v.groupActiveDays > v.groupSilentDays)
    ctx.addIssue({ code: "custom", path: ["groupActiveDays"], message: "must not exceed groupSilentDays" });
};

/** The whole settings object, as stored and as snapshotted into every computation. */
export const rfmSettingsSchema = z.strictObject(shape).superRefine(consistent);

/** A change from the admin: any subset of the fields, checked again as a whole after merging. */
export const rfmSettingsPatchSchema = z.strictObject(shape).partial();

export type RfmSettings = z.infer<typeof rfmSettingsSchema>;
export type RfmSettingsPatch = z.infer<typeof rfmSettingsPatchSchema>;

/** rfm.md's defaults; an HQ operator changes them in the admin center. */
export const DEFAULT_RFM_SETTINGS: RfmSettings = {
  method: "quantile",
  windowDays: 365,
  recency: [30, 60, 120, 240],
  frequency: [1, 2, 4, 8],
  monetary: [10000, 50000, 100000, 300000],
  newDays: 30,
  activeDays: 90,
  churnDays: 180,
  groupActiveDays: 7,
  groupSilentDays: 30,
  schedule: "0 2 * * *",
};
