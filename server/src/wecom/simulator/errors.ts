import type { z } from "zod";

/** A WeCom API failure: the handler throws it, the app turns it into `{errcode, errmsg}` with HTTP 200. */
export class WecomError extends Error {
  constructor(
    readonly errcode: number,
    readonly errmsg: string,
    /** fields WeCom adds to some failures, e.g. invaliduser on 81013 */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(`${errcode} ${errmsg}`);
    this.name = "WecomError";
  }
}

export const invalidParam = (reason: string) => new WecomError(40058, `invalid Parameter: ${reason}`);

/** WeCom's errmsg ends with a pointer to its errcode lookup; keep that so logs look like the real thing. */
export function errmsgFor(errcode: number, errmsg: string): string {
  return errcode === 0 ? "ok" : `${errmsg}, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}`;
}

/** Parses a request body with a zod schema; any mismatch is 40058 naming the field. */
export function parseBody<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.length ? issue.path.join(".") : "(body)";
  throw invalidParam(`${field}: ${issue.message}`);
}
