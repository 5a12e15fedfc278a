import type { DataSource } from "typeorm";
import { PayloadTooLargeError, ValidationError, type FieldProblem } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { ApiKeyPrincipal } from "../api-keys/api-keys.schemas.ts";
import { inBatchTransaction } from "../imports/batch.ts";
import type { RowStatus } from "../imports/fields.ts";
import { ImportError, ImportJob } from "../imports/import-job.entity.ts";
import { importOrderBatch } from "./order-importer.ts";
import { parseOrderJson, type OrderRow } from "./order-rows.ts";

export const MAX_ORDERS_PER_REQUEST = 1000;

export interface OrderItemResult {
  index: number;
  order_no: string | null;
  status: RowStatus | "rejected";
  errors?: FieldProblem[];
}

export interface OrderIntakeResult {
  jobId: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  results: OrderItemResult[];
}

/**
 * The orders API (POST /api/v1/orders): up to 1 000 orders a request, validated one by one; the
 * valid ones are upserted by order_no exactly as a CSV import does, the others reported by index
 * and field. Each request is one transaction and leaves an import_jobs row (source `api`) with
 * its rejected items in import_errors (`line` = index + 1).
 */
export class OrdersService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly opts: { onOrdersImported?: () => void } = {},
  ) {}

  async intake(body: unknown, key: ApiKeyPrincipal): Promise<OrderIntakeResult> {
    const items = itemsOf(body);
    if (items.length > MAX_ORDERS_PER_REQUEST)
      throw new PayloadTooLargeError(
        `At most ${MAX_ORDERS_PER_REQUEST} orders per request; this one has ${items.length}. Send them in several requests.`,
      );
    const results: OrderItemResult[] = [];
    const rows: OrderRow[] = [];
    const firstIndex = new Map<string, number>();
    items.forEach((item, index) => {
      const parsed = parseOrderJson(index + 1, item);
      const orderNo = orderNoOf(item);
      if (!parsed.ok) {
        results.push({ index, order_no: orderNo, status: "rejected", errors: parsed.problems });
        return;
      }
      const first = firstIndex.get(parsed.row.orderNo);
      if (first !== undefined) {
        const errors = [{ field: "order_no", reason: `repeats index ${first} of this request` }];
        results.push({ index, order_no: orderNo, status: "rejected", errors });
        return;
      }
      firstIndex.set(parsed.row.orderNo, index);
      rows.push(parsed.row);
    });

    const now = this.clock.now();
    const byLine = new Map(rows.map((r) => [r.line, r]));
    const outcome = await inBatchTransaction(this.ds, async (em) => {
      const batch = await importOrderBatch(em, rows, { now, source: "api" });
      const all = [...results];
      for (const p of batch.problems)
        all.push({
          index: p.line - 1,
          order_no: byLine.get(p.line)!.orderNo,
          status: "rejected",
          errors: [{ field: p.column ?? "(item)", reason: p.reason }],
        });
      for (const s of batch.statuses)
        all.push({ index: s.line - 1, order_no: byLine.get(s.line)!.orderNo, status: s.status });
      all.sort((a, b) => a.index - b.index);
      const count = (status: OrderItemResult["status"]) => all.filter((r) => r.status === status).length;
      const totals = {
        inserted: count("inserted"),
        updated: count("updated"),
        unchanged: count("unchanged"),
        rejected: count("rejected"),
      };
      const job = await em.getRepository(ImportJob).save(
        em.getRepository(ImportJob).create({
          kind: "orders",
          source: "api",
          filename: null,
          status: "done",
          totalRows: items.length,
          processedRows: items.length,
          ...totals,
          actor: `api_key:${key.prefix}`,
          error: null,
          startedAt: now,
          finishedAt: now,
        }),
      );
      const errors = all.flatMap((r) =>
        (r.errors ?? []).map((e) => ({
          jobId: job.id,
          line: r.index + 1,
          columnName: e.field.slice(0, 64),
          reason: e.reason.slice(0, 255),
          raw: rawOf(items[r.index]),
        })),
      );
      if (errors.length) await em.getRepository(ImportError).insert(errors);
      return { jobId: job.id, ...totals, results: all };
    });
    if (outcome.inserted + outcome.updated > 0) {
      try {
        this.opts.onOrdersImported?.();
      } catch {
        /* a listener's failure is not the request's */
      }
    }
    return outcome;
  }
}

function itemsOf(body: unknown): unknown[] {
  if (Array.isArray(body)) return body;
  if (typeof body === "object" && body !== null && Array.isArray((body as { orders?: unknown }).orders))
    return (body as { orders: unknown[] }).orders;
  throw new ValidationError('The body must be a JSON array of orders, or { "orders": [ … ] }', [
    { field: "(body)", reason: "must be an array of orders" },
  ]);
}

function orderNoOf(item: unknown): string | null {
  const v = typeof item === "object" && item !== null ? (item as { order_no?: unknown }).order_no : undefined;
  return typeof v === "string" ? v.trim() || null : null;
}

function rawOf(item: unknown): string {
  const s = JSON.stringify(item) ?? "";
  return s.length > 1000 ? s.slice(0, 1000) + "…" : s;
}
