import type { ImportJob, ImportKind } from "@/api/types";
import type { MessageSchema } from "@/locales/zh-CN";

export const IMPORT_KINDS: ImportKind[] = ["customers", "orders"];

/** The header line each CSV must start with (data-formats.md). */
export const CSV_HEADERS: Record<ImportKind, string> = {
  customers: "external_userid,name,mobile,unionid,gender,owner_userid,added_at,store_code",
  orders: "order_no,customer_ref,paid_at,amount,refund_amount,status,store_code",
};

type Formats = MessageSchema["imports"]["format"];
/** The notes under each header, as i18n keys under imports.format.<kind>. */
export const FORMAT_NOTES: { [K in ImportKind]: (keyof Formats[K])[] } = {
  customers: ["key", "fields", "owner", "store"],
  orders: ["key", "customer", "paidAt", "amount"],
};

/** The job is asked about every second while it runs. */
export const POLL_MS = 1000;
export const HISTORY_PAGE_SIZE = 10;

export function isFinished(job: ImportJob): boolean {
  return job.status !== "running";
}

/** processedRows / totalRows as a whole percentage; a finished job with no rows is full. */
export function importPercent(job: ImportJob): number {
  if (job.totalRows <= 0) return job.status === "done" ? 100 : 0;
  return Math.min(100, Math.floor((job.processedRows / job.totalRows) * 100));
}

export function progressStatus(job: ImportJob): "success" | "exception" | undefined {
  if (job.status === "failed") return "exception";
  return job.status === "done" ? "success" : undefined;
}

/** Element Plus tag colour of a job's status. */
export function statusTagType(status: ImportJob["status"]): "primary" | "success" | "danger" {
  return status === "done" ? "success" : status === "failed" ? "danger" : "primary";
}

/** The counters of the result line (imports.result). */
export function resultCounts(job: ImportJob): Record<"inserted" | "updated" | "unchanged" | "rejected", number> {
  return { inserted: job.inserted, updated: job.updated, unchanged: job.unchanged, rejected: job.rejected };
}
