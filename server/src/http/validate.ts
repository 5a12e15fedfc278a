import type { z } from "zod";
import { ValidationError } from "./errors.ts";

/** Parses input with a zod schema; failure is a ValidationError naming every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what = "request"): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.length ? issue.path.join(".") : "(body)",
    reason: issue.message,
  }));
  const summary = fields.map((f) => `${f.field}: ${f.reason}`).join("; ");
  throw new ValidationError(`Invalid ${what}: ${summary}`, fields);
}
