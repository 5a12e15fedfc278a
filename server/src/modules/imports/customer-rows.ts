import { z } from "zod";
import type { IdentityKind } from "../customers/customer.entity.ts";
import { MOBILE, code, optional, parseInstant, parsedWith, problemsOf, type RowProblem } from "./fields.ts";

/** customers.csv, data-formats.md. */
export const CUSTOMER_COLUMNS = [
  "external_userid",
  "name",
  "mobile",
  "unionid",
  "gender",
  "owner_userid",
  "added_at",
  "store_code",
] as const;

/** One valid row; `null` means the cell was empty (an empty cell never erases a stored value). */
export interface CustomerRow {
  line: number;
  externalUserid: string | null;
  name: string | null;
  mobile: string | null;
  unionid: string | null;
  gender: number | null;
  ownerUserid: string | null;
  addedAt: Date | null;
  storeCode: string | null;
}

const customerSchema = z
  .object({
    external_userid: code(128),
    name: z
      .string()
      .transform((s) => s.trim())
      .pipe(z.string().max(100, "at most 100 characters"))
      .transform((s) => s || null),
    mobile: optional(z.string().regex(MOBILE, "must be an 11-digit mainland number")),
    unionid: code(128),
    gender: optional(z.enum(["0", "1", "2"], "must be 0 (unknown), 1 (male) or 2 (female)").transform(Number)),
    owner_userid: code(64),
    added_at: optional(parsedWith(parseInstant)),
    store_code: code(50),
  })
  .superRefine((r, ctx) => {
    if (!r.external_userid && !r.mobile && !r.unionid)
      ctx.addIssue({
        code: "custom",
        path: ["external_userid"],
        message: "a row needs at least one of external_userid, mobile, unionid",
      });
    if (r.owner_userid && !r.added_at)
      ctx.addIssue({ code: "custom", path: ["added_at"], message: "is required when owner_userid is given" });
  });

export function parseCustomerRow(
  line: number,
  cells: Record<string, string>,
): { ok: true; row: CustomerRow } | { ok: false; problems: RowProblem[] } {
  const r = customerSchema.safeParse(cells);
  if (!r.success) return { ok: false, problems: problemsOf(line, r.error.issues, CUSTOMER_COLUMNS) };
  const v = r.data;
  return {
    ok: true,
    row: {
      line,
      externalUserid: v.external_userid,
      name: v.name,
      mobile: v.mobile,
      unionid: v.unionid,
      gender: v.gender,
      ownerUserid: v.owner_userid,
      addedAt: v.added_at,
      storeCode: v.store_code,
    },
  };
}

/** The row's identity keys, natural key first (external_userid, mobile, unionid). */
export function customerKeys(row: CustomerRow): { kind: IdentityKind; value: string }[] {
  const keys: { kind: IdentityKind; value: string }[] = [];
  if (row.externalUserid) keys.push({ kind: "external_userid", value: row.externalUserid });
  if (row.mobile) keys.push({ kind: "mobile", value: row.mobile });
  if (row.unionid) keys.push({ kind: "unionid", value: row.unionid });
  return keys;
}
