import { In, type EntityManager } from "typeorm";
import { MAX_PARAMS, execute, insertIgnoreRows, placeholders, sqlTime } from "../../db/dialect.ts";
import type { IdentityKind } from "../customers/customer.entity.ts";
import { RetryBatch, chunk, selectIn, updateRowsById, type BatchResult } from "../imports/batch.ts";
import type { RowProblem, RowStatus } from "../imports/fields.ts";
import { Order } from "./order.entity.ts";
import type { OrderRow } from "./order-rows.ts";

/** data-formats.md: customer_ref is matched against these keys, in this order. */
export const REF_PRIORITY: readonly IdentityKind[] = ["external_userid", "mobile", "unionid", "member_no"];

/** customer_id for each ref that some customer holds, by REF_PRIORITY. */
export async function matchCustomerRefs(em: EntityManager, refs: string[]): Promise<Map<string, number>> {
  const rows = await selectIn<{ customer_id: number; kind: IdentityKind; value: string }>(
    em,
    (list) =>
      `SELECT customer_id, kind, value FROM customer_identities WHERE kind IN (${placeholders(REF_PRIORITY.length)}) AND value IN (${list})`,
    refs,
    [...REF_PRIORITY],
  );
  const best = new Map<string, { rank: number; id: number }>();
  for (const r of rows) {
    const rank = REF_PRIORITY.indexOf(r.kind);
    const seen = best.get(r.value);
    if (!seen || rank < seen.rank) best.set(r.value, { rank, id: Number(r.customer_id) });
  }
  return new Map([...best].map(([ref, b]) => [ref, b.id]));
}

const ORDER_COLUMNS = [
  "customer_ref",
  "customer_id",
  "paid_at",
  "amount_cents",
  "refund_cents",
  "status",
  "store_code",
  "store_id",
];

/**
 * Upserts one batch of orders by order_no (set-based: one SELECT per kind of lookup, one
 * multi-row INSERT, one CASE UPDATE). The customer is matched by customer_ref (REF_PRIORITY); an
 * unmatched order is stored with customer_id NULL and attached later by attachUnmatchedOrders. A
 * row identical to the stored order writes nothing. Unknown store_code rejects the row. The caller
 * runs it in a transaction and guarantees distinct order numbers within the batch.
 */
export async function importOrderBatch(
  em: EntityManager,
  rows: OrderRow[],
  opts: { now: Date; source: string },
): Promise<BatchResult> {
  const t = sqlTime(opts.now);
  const problems: RowProblem[] = [];
  const existing = new Map<string, Order>();
  for (const part of chunk(
    rows.map((r) => r.orderNo),
    5000,
  ))
    for (const o of await em.getRepository(Order).findBy({ orderNo: In(part) })) existing.set(o.orderNo, o);
  const customers = await matchCustomerRefs(
    em,
    rows.map((r) => r.customerRef),
  );
  const stores = new Map(
    (
      await selectIn<{ id: number; code: string }>(
        em,
        (list) => `SELECT id, code FROM stores WHERE code IN (${list})`,
        rows.flatMap((r) => (r.storeCode ? [r.storeCode] : [])),
      )
    ).map((s) => [s.code, Number(s.id)]),
  );

  const statuses: { line: number; status: RowStatus }[] = [];
  const inserts: unknown[][] = [];
  const updates: { id: number; values: unknown[] }[] = [];
  for (const r of rows) {
    const storeId = r.storeCode ? stores.get(r.storeCode) : null;
    if (storeId === undefined) {
      problems.push({ line: r.line, column: "store_code", reason: `unknown store ${r.storeCode}` });
      continue;
    }
    const found = existing.get(r.orderNo);
    // a matched order keeps its customer while its ref is unchanged and matches no one anew
    const customerId =
      customers.get(r.customerRef) ?? (found && found.customerRef === r.customerRef ? found.customerId : null);
    const values = [
      r.customerRef,
      customerId,
      sqlTime(r.paidAt),
      r.amountCents,
      r.refundCents,
      r.status,
      r.storeCode,
      storeId,
    ];
    if (!found) {
      inserts.push([r.orderNo, ...values, opts.source, t, t]);
      statuses.push({ line: r.line, status: "inserted" });
      continue;
    }
    const same =
      found.customerRef === r.customerRef &&
      found.customerId === customerId &&
      found.paidAt.getTime() === r.paidAt.getTime() &&
      found.amountCents === r.amountCents &&
      found.refundCents === r.refundCents &&
      found.status === r.status &&
      found.storeCode === r.storeCode &&
      found.storeId === storeId;
    if (!same) updates.push({ id: found.id, values: [...values, t] });
    statuses.push({ line: r.line, status: same ? "unchanged" : "updated" });
  }
  const cols = ["order_no", ...ORDER_COLUMNS, "source", "created_at", "updated_at"];
  if ((await insertIgnoreRows(em, "orders", cols, inserts)) !== inserts.length) throw new RetryBatch("orders");
  await updateRowsById(em, "orders", [...ORDER_COLUMNS, "updated_at"], updates);
  return { statuses, problems, attached: 0 };
}

/**
 * Gives unmatched orders (customer_id NULL) their customer once one holds their customer_ref,
 * by REF_PRIORITY. `refs` limits the work to those refs (a customer import passes the keys it
 * just wrote): one lookup of the refs, then one CASE update per chunk. Without `refs` every
 * unmatched order is looked at in one set-based UPDATE (after a WeCom sync or callback).
 * Returns how many orders were attached; orders that stay unmatched are not written.
 */
export async function attachUnmatchedOrders(
  em: EntityManager,
  opts: { refs?: string[]; now?: Date } = {},
): Promise<number> {
  const t = sqlTime(opts.now ?? new Date());
  if (!opts.refs) {
    // each lookup is one probe of the unique (kind, value) index
    const holds = (kind: string) =>
      `(SELECT i.customer_id FROM customer_identities i WHERE i.kind = '${kind}' AND i.value = orders.customer_ref)`;
    return execute(
      em,
      `UPDATE orders SET customer_id = COALESCE(${REF_PRIORITY.map(holds).join(", ")}), updated_at = ?
        WHERE customer_id IS NULL AND (${REF_PRIORITY.map((k) => `EXISTS ${holds(k)}`).join(" OR ")})`,
      [t],
    );
  }
  const matched = [...(await matchCustomerRefs(em, opts.refs))];
  let attached = 0;
  for (const part of chunk(matched, Math.floor((MAX_PARAMS - 1) / 3))) {
    if (!part.length) continue;
    const params: unknown[] = part.flatMap(([ref, id]) => [ref, id]);
    params.push(t, ...part.map(([ref]) => ref));
    attached += await execute(
      em,
      `UPDATE orders SET customer_id = CASE customer_ref ${part.map(() => "WHEN ? THEN ?").join(" ")} END, updated_at = ?
        WHERE customer_id IS NULL AND customer_ref IN (${placeholders(part.length)})`,
      params,
    );
  }
  return attached;
}
