import type { DataSource, EntityManager } from "typeorm";
import { execute, sqlTime } from "../../db/dialect.ts";
import { NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import { importOrderBatch } from "../orders/order-importer.ts";
import { ORDER_COLUMNS, parseOrderRow, type OrderRow } from "../orders/order-rows.ts";
import { inBatchTransaction, type BatchResult } from "./batch.ts";
import { CsvFormatError, CsvHeaderError, csvLine, matchHeader, readCsv, type CsvInput, type CsvRecord } from "./csv.ts";
import { importCustomerBatch } from "./customer-importer.ts";
import { CUSTOMER_COLUMNS, customerKeys, parseCustomerRow, type CustomerRow } from "./customer-rows.ts";
import type { RowProblem } from "./fields.ts";
import { ImportError, ImportJob } from "./import-job.entity.ts";

export type ImportKind = "customers" | "orders";

export interface ImportRequest {
  kind: ImportKind;
  source: "csv" | "cli";
  filename: string | null;
  /** who started it: a username, `cli:<os user>` */
  actor: string | null;
  /** Opens the file. Called twice: a check of the whole file first, then the import itself. */
  open: () => CsvInput;
  onProgress?: (p: ImportProgress) => void;
}

export interface ImportProgress {
  bytesRead: number;
  processedRows: number;
  totalRows: number;
}

export interface ImportServiceOptions {
  /** orders changed (inserted, updated or attached to a customer): e.g. schedule an RFM recompute */
  onOrdersImported?: () => void;
  batchSize?: number;
}

export interface ImportList {
  items: ImportJob[];
  page: number;
  pageSize: number;
  total: number;
}

interface BatchContext {
  now: Date;
  source: string;
  claimed: Map<number, number>;
}

/** What differs between customers.csv and orders.csv. */
interface KindSpec<R extends { line: number }> {
  columns: readonly string[];
  parse(line: number, cells: Record<string, string>): { ok: true; row: R } | { ok: false; problems: RowProblem[] };
  /** the row's natural keys: a repeat within one file rejects the later row */
  keys(row: R): { column: string; value: string }[];
  importBatch(em: EntityManager, rows: R[], ctx: BatchContext): Promise<BatchResult & { claims?: [number, number][] }>;
}

const customersSpec: KindSpec<CustomerRow> = {
  columns: CUSTOMER_COLUMNS,
  parse: parseCustomerRow,
  keys: (row) => customerKeys(row).map((k) => ({ column: k.kind, value: k.value })),
  importBatch: (em, rows, ctx) => importCustomerBatch(em, rows, ctx),
};

const ordersSpec: KindSpec<OrderRow> = {
  columns: ORDER_COLUMNS,
  parse: parseOrderRow,
  keys: (row) => [{ column: "order_no", value: row.orderNo }],
  importBatch: (em, rows, ctx) => importOrderBatch(em, rows, ctx),
};

const SPECS: Record<ImportKind, KindSpec<{ line: number }>> = {
  customers: customersSpec as KindSpec<{ line: number }>,
  orders: ordersSpec as KindSpec<{ line: number }>,
};

const RAW_MAX = 1000;
/** An import with no batch for this long lost its process (a batch takes seconds). */
export const INTERRUPTED_AFTER_MS = 10 * 60_000;
const INTERRUPTED = "interrupted: the import stopped before the end of the file; run the same file again to finish it";
const isBlank = (r: CsvRecord) => r.fields.length === 1 && r.fields[0]!.trim() === "";

/**
 * CSV imports of customers and orders (data-formats.md) with an import_jobs row: the whole file
 * is checked first (is it CSV text, is the header right) so that a refused file stores nothing
 * but its failed job; then rows are validated one by one and the valid ones upserted in batches,
 * each batch in one transaction together with its rejected rows (import_errors) and the job's
 * counters. A crash leaves whole batches; running the file again completes it without duplicates.
 */
export class ImportService {
  private readonly batchSize: number;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly opts: ImportServiceOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? 500;
  }

  /**
   * Creates the job and checks the file. A file that is not CSV or has the wrong header fails its
   * job and throws a ValidationError; otherwise the import goes on in `done`.
   */
  async start(req: ImportRequest): Promise<{ job: ImportJob; done: Promise<ImportJob> }> {
    const jobs = this.ds.getRepository(ImportJob);
    const job = await jobs.save(
      jobs.create({
        kind: req.kind,
        source: req.source,
        filename: req.filename?.slice(0, 255) ?? null,
        status: "running",
        totalRows: 0,
        processedRows: 0,
        inserted: 0,
        updated: 0,
        unchanged: 0,
        rejected: 0,
        actor: req.actor?.slice(0, 64) ?? null,
        error: null,
        startedAt: this.clock.now(),
        finishedAt: null,
        heartbeatAt: this.clock.now(),
      }),
    );
    try {
      job.totalRows = await this.check(req);
    } catch (err) {
      const reason = err instanceof CsvFormatError ? err.message : `the file cannot be read: ${(err as Error).message}`;
      await this.fail(job, reason);
      const name = req.filename ?? "the file";
      throw new ValidationError(`${name} was refused: ${reason}`, [
        { field: err instanceof CsvHeaderError ? "header" : "file", reason },
      ]);
    }
    await jobs.update({ id: job.id }, { totalRows: job.totalRows });
    const done = this.process({ ...job }, req);
    done.catch(() => undefined); // the caller handles it; never an unhandled rejection
    return { job, done };
  }

  /** start() and wait for the end (the command line). */
  async run(req: ImportRequest): Promise<ImportJob> {
    return (await this.start(req)).done;
  }

  /** The job, its first 100 rejected rows and how many there are in all. */
  async get(id: number): Promise<{ job: ImportJob; errors: ImportError[]; errorCount: number }> {
    const job = await this.ds.getRepository(ImportJob).findOneBy({ id });
    if (!job) throw new NotFoundError(`No import ${id}`);
    const [errors, errorCount] = await this.ds
      .getRepository(ImportError)
      .findAndCount({ where: { jobId: id }, order: { line: "ASC", id: "ASC" }, take: 100 });
    return { job, errors, errorCount };
  }

  async list(q: { page: number; pageSize: number; kind?: ImportKind }): Promise<ImportList> {
    const [items, total] = await this.ds.getRepository(ImportJob).findAndCount({
      where: q.kind ? { kind: q.kind } : {},
      order: { id: "DESC" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items, page: q.page, pageSize: q.pageSize, total };
  }

  /** The rejected rows as CSV `line,column,reason,raw` (with a BOM, so that Excel reads UTF-8). */
  async errorReportCsv(jobId: number): Promise<string> {
    if (!(await this.ds.getRepository(ImportJob).existsBy({ id: jobId })))
      throw new NotFoundError(`No import ${jobId}`);
    const errors = await this.ds
      .getRepository(ImportError)
      .find({ where: { jobId }, order: { line: "ASC", id: "ASC" } });
    return (
      "\uFEFF" +
      csvLine(["line", "column", "reason", "raw"]) +
      errors.map((e) => csvLine([e.line, e.columnName, e.reason, e.raw])).join("")
    );
  }

  /** First pass: CSV text with the right header; returns the number of data rows. */
  private async check(req: ImportRequest): Promise<number> {
    const { columns } = SPECS[req.kind];
    let header = false;
    let rows = 0;
    for await (const rec of readCsv(req.open())) {
      if (!header) {
        matchHeader(rec.fields, columns, rec.line);
        header = true;
      } else if (!isBlank(rec)) rows++;
    }
    if (!header) throw new CsvHeaderError(`the file is empty; expected the header ${columns.join(",")}`, 1);
    return rows;
  }

  private async process(job: ImportJob, req: ImportRequest): Promise<ImportJob> {
    const spec = SPECS[req.kind];
    const seen = new Map<string, number>();
    const ctx: BatchContext = { now: this.clock.now(), source: req.source, claimed: new Map() };
    let header: Map<string, number> | undefined;
    let batch: { line: number }[] = [];
    let problems: RowProblem[] = [];
    let fieldsByLine = new Map<number, string[]>();
    let pendingRows = 0;
    let bytesRead = 0;
    let lastLine = 0;
    let attached = 0;

    const flush = async () => {
      ctx.now = this.clock.now();
      const rows = batch;
      const counts = { ...job };
      const result = await inBatchTransaction(this.ds, async (em) => {
        const r = await spec.importBatch(em, rows, ctx);
        const all = [...problems, ...r.problems].sort((a, b) => a.line - b.line);
        if (all.length)
          await em.getRepository(ImportError).insert(
            all.map((p) => ({
              jobId: job.id,
              line: p.line,
              columnName: p.column?.slice(0, 64) ?? null,
              reason: p.reason.slice(0, 255),
              raw: rawOf(fieldsByLine.get(p.line)),
            })),
          );
        const c = {
          processedRows: counts.processedRows + pendingRows,
          inserted: counts.inserted + r.statuses.filter((s) => s.status === "inserted").length,
          updated: counts.updated + r.statuses.filter((s) => s.status === "updated").length,
          unchanged: counts.unchanged + r.statuses.filter((s) => s.status === "unchanged").length,
          rejected: counts.rejected + new Set(all.map((p) => p.line)).size,
        };
        await em.getRepository(ImportJob).update({ id: job.id }, { ...c, heartbeatAt: this.clock.now() });
        return { ...r, counts: c };
      });
      Object.assign(job, result.counts);
      for (const [id, line] of result.claims ?? []) ctx.claimed.set(id, line);
      attached += result.attached;
      batch = [];
      problems = [];
      fieldsByLine = new Map();
      pendingRows = 0;
      req.onProgress?.({ bytesRead, processedRows: job.processedRows, totalRows: job.totalRows });
    };

    try {
      for await (const rec of readCsv(req.open(), { onBytes: (n) => (bytesRead = n) })) {
        lastLine = rec.line;
        if (!header) {
          header = matchHeader(rec.fields, spec.columns, rec.line);
          continue;
        }
        if (isBlank(rec)) continue;
        pendingRows++;
        fieldsByLine.set(rec.line, rec.fields);
        const row = this.readRow(spec, header, rec, seen);
        if ("problems" in row) problems.push(...row.problems);
        else batch.push(row.row);
        if (batch.length >= this.batchSize || pendingRows >= this.batchSize * 4) await flush();
      }
      if (pendingRows) await flush();
    } catch (err) {
      await this.fail(
        job,
        `stopped at line ${lastLine}: ${(err as Error).message}; the rows before were imported in whole batches, run the file again to complete it`,
      );
      throw err;
    }
    const finished = { status: "done" as const, finishedAt: this.clock.now() };
    await this.ds.getRepository(ImportJob).update({ id: job.id }, finished);
    Object.assign(job, finished);
    const ordersChanged = req.kind === "orders" && job.inserted + job.updated > 0;
    if (ordersChanged || attached > 0) this.notifyOrders();
    return job;
  }

  /** Field count, syntax, values, repeats within the file: the row or its problems. */
  private readRow<R extends { line: number }>(
    spec: KindSpec<R>,
    header: Map<string, number>,
    rec: CsvRecord,
    seen: Map<string, number>,
  ): { row: R } | { problems: RowProblem[] } {
    const { line, fields } = rec;
    const columns = spec.columns;
    if (rec.problem) {
      const column = columnAt(header, rec.problem.field);
      return { problems: [{ line, column, reason: rec.problem.reason }] };
    }
    if (fields.length !== columns.length) {
      const reason = `has ${fields.length} field${fields.length === 1 ? "" : "s"}, the header has ${columns.length}`;
      const column = fields.length < columns.length ? columnAt(header, fields.length) : null;
      return { problems: [{ line, column, reason }] };
    }
    const cells: Record<string, string> = {};
    for (const [name, i] of header) cells[name] = fields[i]!;
    const parsed = spec.parse(line, cells);
    if (!parsed.ok) return { problems: parsed.problems };
    const keys = spec.keys(parsed.row);
    const id = (k: { column: string; value: string }) => `${k.column}\u0000${k.value}`;
    const repeat = keys.find((k) => seen.has(id(k)));
    if (repeat) {
      const first = seen.get(id(repeat));
      return {
        problems: [{ line, column: repeat.column, reason: `${repeat.value} repeats line ${first} of this file` }],
      };
    }
    for (const k of keys) seen.set(id(k), line);
    return { row: parsed.row };
  }

  /**
   * Marks failed the imports whose process stopped mid-file (a crash, a lost database): no batch
   * for `staleMs`. Their committed batches stay; running the file again finishes it (rows already
   * stored come back unchanged). Returns how many were marked.
   */
  async failInterrupted(staleMs = INTERRUPTED_AFTER_MS): Promise<number> {
    const cutoff = sqlTime(new Date(this.clock.now().getTime() - staleMs));
    return execute(
      this.ds,
      `UPDATE import_jobs SET status = 'failed', error = ?, finished_at = ?
        WHERE status = 'running' AND COALESCE(heartbeat_at, started_at) < ?`,
      [INTERRUPTED, sqlTime(this.clock.now()), cutoff],
    );
  }

  private async fail(job: ImportJob, error: string): Promise<void> {
    await this.ds
      .getRepository(ImportJob)
      .update({ id: job.id }, { status: "failed", error, finishedAt: this.clock.now() });
  }

  private notifyOrders(): void {
    try {
      this.opts.onOrdersImported?.();
    } catch {
      /* a listener's failure is not the import's */
    }
  }
}

function columnAt(header: Map<string, number>, index: number): string | null {
  for (const [name, i] of header) if (i === index) return name;
  return null;
}

function rawOf(fields: string[] | undefined): string | null {
  if (!fields) return null;
  const raw = csvLine(fields).slice(0, -2);
  return raw.length > RAW_MAX ? raw.slice(0, RAW_MAX) + "…" : raw;
}
