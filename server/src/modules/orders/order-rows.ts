import { z } from "zod";
import type { FieldProblem } from "../../http/errors.ts";
import {
  MAX_CENTS,
  code,
  optional,
  parseInstant,
  parseYuan,
  parsedWith,
  problemsOf,
  type RowProblem,
} from "../imports/fields.ts";
import type { OrderStatus } from "./order.entity.ts";

/** orders.csv, data-formats.md. */
export const ORDER_COLUMNS = [
  "order_no",
  "customer_ref",
  "paid_at",
  "amount",
  "refund_amount",
  "status",
  "store_code",
] as const;

export const ORDER_STATUSES = ["paid", "refunded", "cancelled"] as const satisfies readonly OrderStatus[];
const STATUS_REASON = "must be paid, refunded or cancelled";

/** One valid order, from a CSV line or an API item (`line` is then the 1-based position). */
export interface OrderRow {
  line: number;
  orderNo: string;
  customerRef: string;
  paidAt: Date;
  amountCents: number;
  refundCents: number;
  status: OrderStatus;
  storeCode: string | null;
}

/** A trimmed cell that must not be empty. */
const required = <T>(inner: z.ZodType<T, string>) =>
  optional(inner).transform((v, ctx): T => {
    if (v === null) {
      ctx.addIssue({ code: "custom", message: "is required" });
      return z.NEVER;
    }
    return v;
  });

const orderNo = z.string().max(64, "at most 64 characters");
const customerRef = z.string().max(128, "at most 128 characters").regex(/^\S+$/, "must not contain spaces");

const csvSchema = z
  .object({
    order_no: required(orderNo),
    customer_ref: required(customerRef),
    paid_at: required(parsedWith(parseInstant)),
    amount: required(parsedWith(parseYuan)),
    refund_amount: optional(parsedWith(parseYuan)).transform((v) => v ?? 0),
    status: required(z.enum(ORDER_STATUSES, STATUS_REASON)),
    store_code: code(50),
  })
  .superRefine((r, ctx) => {
    if (r.refund_amount > r.amount)
      ctx.addIssue({ code: "custom", path: ["refund_amount"], message: "cannot exceed amount" });
  });

export function parseOrderRow(
  line: number,
  cells: Record<string, string>,
): { ok: true; row: OrderRow } | { ok: false; problems: RowProblem[] } {
  const r = csvSchema.safeParse(cells);
  if (!r.success) return { ok: false, problems: problemsOf(line, r.error.issues, ORDER_COLUMNS) };
  const v = r.data;
  return {
    ok: true,
    row: {
      line,
      orderNo: v.order_no,
      customerRef: v.customer_ref,
      paidAt: v.paid_at,
      amountCents: v.amount,
      refundCents: v.refund_amount,
      status: v.status,
      storeCode: v.store_code,
    },
  };
}

// ---- the orders API: the same fields as JSON, money in integer cents -------------------------

export const ORDER_JSON_FIELDS = [
  "order_no",
  "customer_ref",
  "paid_at",
  "amount_cents",
  "refund_cents",
  "status",
  "store_code",
] as const;

const str = (what: string) =>
  z.string({ error: (i) => (i.input === undefined || i.input === null ? "is required" : `must be ${what}`) });
const cents = z
  .number({ error: (i) => (i.input === undefined ? "is required" : "must be an integer number of cents") })
  .int("must be an integer number of cents")
  .min(0, "must not be negative")
  .max(MAX_CENTS, `must be at most ${MAX_CENTS}`);

const jsonSchema = z
  .object({
    order_no: str("a string").trim().min(1, "is required").pipe(orderNo),
    customer_ref: str("a string").trim().min(1, "is required").pipe(customerRef),
    paid_at: str(`an ISO 8601 string`).pipe(parsedWith(parseInstant)),
    amount_cents: cents,
    refund_cents: cents.optional().transform((v) => v ?? 0),
    status: z.enum(ORDER_STATUSES, STATUS_REASON),
    store_code: z
      .string("must be a string or null")
      .trim()
      .max(50, "at most 50 characters")
      .regex(/^\S*$/, "must not contain spaces")
      .nullish()
      .transform((v) => v || null),
  })
  .superRefine((r, ctx) => {
    if (r.refund_cents > r.amount_cents)
      ctx.addIssue({ code: "custom", path: ["refund_cents"], message: "cannot exceed amount_cents" });
  });

const MISNAMED: Record<string, string> = {
  amount: "use amount_cents (integer cents) in JSON",
  refund_amount: "use refund_cents (integer cents) in JSON",
};

/** One item of a POST /orders body; problems name JSON fields. */
export function parseOrderJson(
  line: number,
  item: unknown,
): { ok: true; row: OrderRow } | { ok: false; problems: FieldProblem[] } {
  if (typeof item !== "object" || item === null || Array.isArray(item))
    return { ok: false, problems: [{ field: "(item)", reason: "must be an object" }] };
  const unknown = Object.keys(item)
    .filter((k) => !(ORDER_JSON_FIELDS as readonly string[]).includes(k))
    // own keys only: an item's "toString" or "constructor" key must not find Object.prototype's
    .map((k) => ({
      field: k,
      reason: (Object.hasOwn(MISNAMED, k) ? MISNAMED[k] : undefined) ?? "is not a field of an order",
    }));
  const r = jsonSchema.safeParse(item);
  const problems = r.success
    ? []
    : problemsOf(line, r.error.issues, ORDER_JSON_FIELDS).map((p) => ({
        field: p.column ?? "(item)",
        reason: p.reason,
      }));
  if (!r.success || unknown.length) return { ok: false, problems: [...problems, ...unknown] };
  const v = r.data;
  return {
    ok: true,
    row: {
      line,
      orderNo: v.order_no,
      customerRef: v.customer_ref,
      paidAt: v.paid_at,
      amountCents: v.amount_cents,
      refundCents: v.refund_cents,
      status: v.status,
      storeCode: v.store_code,
    },
  };
}
