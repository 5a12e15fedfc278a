import { LIFECYCLE_STAGES, SEGMENT_KEYS, type CustomerListItem, type CustomerSort, type TagRef } from "@/api/types";
import type { MessageSchema } from "@/locales/zh-CN";
import { formatCents, formatCount, formatDateTime } from "@/utils/format";
import type { CustomerFilters, RangeKey } from "./filters";

export type ColumnKey = keyof MessageSchema["customers"]["columns"];
type TableOrder = "ascending" | "descending" | null;

export interface CustomerColumn {
  key: ColumnKey;
  minWidth: number;
  /** Server sort of the column, ascending; descending is the same key with "-". */
  sort?: "name" | "recency" | "frequency" | "monetary";
  /** Only ascending (the server has no "-name"). */
  ascendingOnly?: true;
  align?: "right";
  /** Plain-text cell; columns without it have their own cell markup. */
  text?: (row: CustomerListItem) => string;
}

const dash = (v: number | null, show: (n: number) => string) => (v === null ? "—" : show(v));

// The customer table's columns, in display order.
export const CUSTOMER_COLUMNS: CustomerColumn[] = [
  { key: "name", minWidth: 140, sort: "name", ascendingOnly: true },
  { key: "owners", minWidth: 140 },
  { key: "segment", minWidth: 170 },
  { key: "lifecycle", minWidth: 90 },
  { key: "recency", minWidth: 120, sort: "recency", align: "right" },
  {
    key: "frequency",
    minWidth: 120,
    sort: "frequency",
    align: "right",
    text: (r) => dash(r.frequency, formatCount),
  },
  {
    key: "monetary",
    minWidth: 130,
    sort: "monetary",
    align: "right",
    text: (r) => dash(r.monetaryCents, formatCents),
  },
  { key: "lastPaid", minWidth: 150, text: (r) => formatDateTime(r.lastPaidAt) },
  { key: "tags", minWidth: 220 },
];

export const COLUMN_KEYS = CUSTOMER_COLUMNS.map((c) => c.key);
/** The name column identifies the row and cannot be hidden. */
export const REQUIRED_COLUMNS: ColumnKey[] = ["name"];
export const COLUMNS_STORAGE_KEY = "siyu.customers.columns";

/** el-table's sort-change → the list's sort; no order falls back to the default. */
export function sortFromTable(prop: string | null, order: TableOrder, fallback: CustomerSort): CustomerSort {
  const column = CUSTOMER_COLUMNS.find((c) => c.key === prop);
  if (!column?.sort || !order) return fallback;
  if (order === "ascending" || column.ascendingOnly) return column.sort;
  return `-${column.sort}` as CustomerSort;
}

/** The list's sort → el-table's default-sort (the arrow on its column); none for the default order. */
export function tableSort(sort: CustomerSort): { prop: string; order: "ascending" | "descending" } | undefined {
  const key = sort.replace(/^-/, "");
  const column = CUSTOMER_COLUMNS.find((c) => c.sort === key);
  return column ? { prop: column.key, order: sort.startsWith("-") ? "descending" : "ascending" } : undefined;
}

/** Manual tags can be put on and taken off by hand; the rest belong to the engine or WeCom. */
export function isManualTag(tag: Pick<TagRef, "source">): boolean {
  return tag.source === "manual";
}

/** A segment or lifecycle value in the tag history → its i18n key; null shows the value as it is. */
export function historyValueKey(
  kind: string,
  value: string,
): `customers.${"segments" | "lifecycles"}.${string}` | null {
  if (kind === "segment" && (SEGMENT_KEYS as readonly string[]).includes(value)) return `customers.segments.${value}`;
  if (kind === "lifecycle" && (LIFECYCLE_STAGES as readonly string[]).includes(value))
    return `customers.lifecycles.${value}`;
  return null;
}

/** Element Plus tag colour of a segment: important_* stands out, *_retain warns. */
export function segmentTagType(segment: string): "danger" | "warning" | "success" | "info" | "primary" {
  if (segment === "important_value") return "danger";
  if (segment.endsWith("_retain")) return "warning";
  if (segment.startsWith("important_")) return "success";
  return segment === "general_value" ? "primary" : "info";
}

/** The filter bar's number ranges (behind "more filters"): scores are 1–5, money has cents. */
export const RANGE_FIELDS: { key: RangeKey; min: number; max?: number; precision?: number }[] = [
  { key: "r", min: 1, max: 5 },
  { key: "f", min: 1, max: 5 },
  { key: "m", min: 1, max: 5 },
  { key: "recency", min: 0 },
  { key: "frequency", min: 0 },
  { key: "monetary", min: 0, precision: 2 },
];

/** How many of the filters behind "more filters" are set (the bar opens when there are any). */
export function advancedCount(f: CustomerFilters): number {
  const lists = [f.store, f.owner].filter((l) => l.length).length;
  return lists + RANGE_FIELDS.filter(({ key }) => f[key].some((v) => v !== null)).length;
}
