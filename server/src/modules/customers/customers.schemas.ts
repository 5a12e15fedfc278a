import { z } from "zod";
import { queryList } from "../../http/query-list.ts";

const SEGMENTS = [
  "important_value",
  "important_develop",
  "important_keep",
  "important_retain",
  "general_value",
  "general_develop",
  "general_keep",
  "general_retain",
] as const;
const STAGES = ["prospect", "new", "active", "silent", "churned"] as const;

const list = queryList;
const ids = list(z.coerce.number().int().positive("must be positive ids"));
const score = z.coerce.number().int().min(1, "scores are 1..5").max(5, "scores are 1..5");
const nonNegative = z.coerce.number().int().min(0, "must be 0 or more");
/** A business day (China, UTC+8) `YYYY-MM-DD`, as the dashboard's periods use. */
const day = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date YYYY-MM-DD")
  .refine((v) => new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), "is not a real date");

export const customerListQuery = z
  .object({
    page: z.coerce.number().int().min(1).default(1),
    pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(20),
    q: z.string().trim().max(64).optional(),
    segment: list(z.enum(SEGMENTS)).optional(),
    lifecycle: list(z.enum(STAGES)).optional(),
    tagsAny: ids.optional(),
    tagsAll: ids.optional(),
    tagsNone: ids.optional(),
    store: ids.optional(),
    owner: list(z.string().min(1).max(64)).optional(),
    rMin: score.optional(),
    rMax: score.optional(),
    fMin: score.optional(),
    fMax: score.optional(),
    mMin: score.optional(),
    mMax: score.optional(),
    recencyMin: nonNegative.optional(),
    recencyMax: nonNegative.optional(),
    frequencyMin: nonNegative.optional(),
    frequencyMax: nonNegative.optional(),
    monetaryMin: nonNegative.optional(),
    monetaryMax: nonNegative.optional(),
    /** first added (first active follow relation; for HQ, creation when it has none) on these days */
    addedFrom: day.optional(),
    addedTo: day.optional(),
    /** a qualifying order (paid, net > 0) on these days */
    boughtFrom: day.optional(),
    boughtTo: day.optional(),
    sort: z
      .enum(["id", "-id", "recency", "-recency", "frequency", "-frequency", "monetary", "-monetary", "name"])
      .default("-id"),
  })
  .superRefine((v, ctx) => {
    for (const [a, b] of [
      ["rMin", "rMax"],
      ["fMin", "fMax"],
      ["mMin", "mMax"],
      ["recencyMin", "recencyMax"],
      ["frequencyMin", "frequencyMax"],
      ["monetaryMin", "monetaryMax"],
      ["addedFrom", "addedTo"],
      ["boughtFrom", "boughtTo"],
    ] as const) {
      const lo = v[a],
        hi = v[b];
      if (lo !== undefined && hi !== undefined && lo > hi)
        ctx.addIssue({ code: "custom", path: [a], message: `must not exceed ${b}` });
    }
  });

export type CustomerListQuery = z.infer<typeof customerListQuery>;

export interface CustomerListItem {
  id: number;
  externalUserid: string | null;
  name: string;
  gender: number;
  segment: string | null;
  lifecycle: string | null;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  recencyDays: number | null;
  frequency: number | null;
  monetaryCents: number | null;
  lastPaidAt: string | null;
  owners: { userid: string; name: string }[];
  tags: { id: number; name: string; source: string }[];
}

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  /** true when there are more than `total` matches (the count stops at a cap) */
  totalCapped?: boolean;
}

export const SEGMENT_KEYS = SEGMENTS;
export const LIFECYCLE_STAGES = STAGES;
