import { describe, expect, it } from "vitest";
import { parseOrderJson, parseOrderRow } from "./order-rows.ts";

const cells = (p: Record<string, string> = {}) => ({
  order_no: "SO-1",
  customer_ref: "13800000001",
  paid_at: "2026-05-20T13:14:00+08:00",
  amount: "128.50",
  refund_amount: "",
  status: "paid",
  store_code: "",
  ...p,
});

describe("orders.csv rows", () => {
  it("reads a valid row into cents and UTC", () => {
    expect(parseOrderRow(2, cells({ refund_amount: "8.5" }))).toEqual({
      ok: true,
      row: {
        line: 2,
        orderNo: "SO-1",
        customerRef: "13800000001",
        paidAt: new Date("2026-05-20T05:14:00Z"),
        amountCents: 12850,
        refundCents: 850,
        status: "paid",
        storeCode: null,
      },
    });
  });

  it("names every bad column with a clear reason", () => {
    const r = parseOrderRow(5, cells({ order_no: "", amount: "1.005", status: "PAID", paid_at: "yesterday" }));
    expect(r.ok ? [] : r.problems.map((p) => `${p.column}: ${p.reason}`)).toEqual([
      "order_no: is required",
      "paid_at: must be ISO 8601 with an offset, such as 2026-05-20T13:14:00+08:00",
      "amount: at most 2 decimals",
      "status: must be paid, refunded or cancelled",
    ]);
    expect(parseOrderRow(5, cells({ refund_amount: "200" }))).toMatchObject({
      problems: [{ line: 5, column: "refund_amount", reason: "cannot exceed amount" }],
    });
  });
});

describe("orders API items", () => {
  const item = {
    order_no: "SO-1",
    customer_ref: "wmA",
    paid_at: "2026-05-20T13:14:00+08:00",
    amount_cents: 12850,
    status: "paid",
  };
  it("reads integer cents; refund and store are optional", () => {
    expect(parseOrderJson(1, item)).toMatchObject({
      ok: true,
      row: { amountCents: 12850, refundCents: 0, storeCode: null },
    });
  });
  it("names JSON fields, and points yuan fields to their cents names", () => {
    const r = parseOrderJson(1, { ...item, amount_cents: 12.5, amount: "12.50", customer_ref: undefined });
    expect(r).toEqual({
      ok: false,
      problems: [
        { field: "customer_ref", reason: "is required" },
        { field: "amount_cents", reason: "must be an integer number of cents" },
        { field: "amount", reason: "use amount_cents (integer cents) in JSON" },
      ],
    });
    expect(parseOrderJson(1, "x")).toEqual({ ok: false, problems: [{ field: "(item)", reason: "must be an object" }] });
  });
});
