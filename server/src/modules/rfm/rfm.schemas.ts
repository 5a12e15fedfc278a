import { z } from "zod";

export { rfmSettingsPatchSchema as rfmSettingsBody } from "./rfm-settings.ts";

const id = z.coerce.number().int("must be a whole number").positive("must be a computation id");

export const computationListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100, "at most 100").default(20),
});

export const computationParams = z.object({ id });

export const transitionsQuery = z.object({ from: id, to: id });

/** `--as-of` and any API asOf: ISO 8601 with an explicit offset (`Z` or `+08:00`), e.g. `2026-06-01T00:00:00+08:00`. */
export const asOfInstant = z
  .string()
  .trim()
  .regex(
    /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/,
    "must be ISO 8601 with an offset, e.g. 2026-06-01T00:00:00+08:00",
  )
  .transform((v, ctx) => {
    const d = new Date(v);
    if (Number.isNaN(d.getTime())) {
      ctx.addIssue({ code: "custom", message: "is not a real date and time" });
      return z.NEVER;
    }
    return d;
  });
