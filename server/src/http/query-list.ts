import { z } from "zod";

/** `a,b,c` in a query string (or a repeated parameter) → a validated list of at most 100 items. */
export const queryList = <T extends z.ZodType>(item: T) =>
  z.preprocess(
    (v) =>
      typeof v === "string"
        ? v
            .split(",")
            .map((x) => x.trim())
            .filter(Boolean)
        : v,
    z.array(item).max(100, "at most 100 values"),
  );
