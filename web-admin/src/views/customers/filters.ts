import type { LocationQuery, LocationQueryValue } from "vue-router";
import { customerQueryParams } from "@/api/customers";
import {
  CUSTOMER_SORTS,
  LIFECYCLE_STAGES,
  SEGMENT_KEYS,
  type CustomerListQuery,
  type CustomerSort,
  type LifecycleStage,
  type SegmentKey,
} from "@/api/types";

export type TagMode = "any" | "all" | "none";
export const TAG_MODES: TagMode[] = ["any", "all", "none"];
const TAG_PARAMS = { any: "tagsAny", all: "tagsAll", none: "tagsNone" } as const;

/** [min, max]; null is "no bound". */
export type Range = [number | null, number | null];
/** [from, to] business days "YYYY-MM-DD"; null is "open". Set by links (the dashboard), shown as chips. */
export type DayRange = [string | null, string | null];
export type DayRangeKey = "added" | "bought";
export const DAY_RANGES: { key: DayRangeKey; from: "addedFrom" | "boughtFrom"; to: "addedTo" | "boughtTo" }[] = [
  { key: "added", from: "addedFrom", to: "addedTo" },
  { key: "bought", from: "boughtFrom", to: "boughtTo" },
];

/** The filter bar's model. Money is in yuan here and in cents in the query. */
export interface CustomerFilters {
  q: string;
  segment: SegmentKey[];
  lifecycle: LifecycleStage[];
  tagMode: TagMode;
  tags: number[];
  store: number[];
  owner: string[];
  r: Range;
  f: Range;
  m: Range;
  recency: Range;
  frequency: Range;
  monetary: Range;
  added: DayRange;
  bought: DayRange;
}

export interface CustomerListState {
  filters: CustomerFilters;
  page: number;
  pageSize: number;
  sort: CustomerSort;
}

export type RangeKey = "r" | "f" | "m" | "recency" | "frequency" | "monetary";
type Bound =
  "rMin" | "rMax" | "fMin" | "fMax" | "mMin" | "mMax" | `${"recency" | "frequency" | "monetary"}${"Min" | "Max"}`;
/** Each range: its two query parameters, whether it is a 1–5 score, and yuan → cents. */
export const RANGES: { key: RangeKey; min: Bound; max: Bound; score?: true; cents?: true }[] = [
  { key: "r", min: "rMin", max: "rMax", score: true },
  { key: "f", min: "fMin", max: "fMax", score: true },
  { key: "m", min: "mMin", max: "mMax", score: true },
  { key: "recency", min: "recencyMin", max: "recencyMax" },
  { key: "frequency", min: "frequencyMin", max: "frequencyMax" },
  { key: "monetary", min: "monetaryMin", max: "monetaryMax", cents: true },
];

export const DEFAULT_PAGE_SIZE = 20;
export const PAGE_SIZES = [20, 50, 100, 200];
export const DEFAULT_SORT: CustomerSort = "-id";

export function emptyFilters(): CustomerFilters {
  const range = (): Range => [null, null];
  return {
    q: "",
    segment: [],
    lifecycle: [],
    tagMode: "any",
    tags: [],
    store: [],
    owner: [],
    r: range(),
    f: range(),
    m: range(),
    recency: range(),
    frequency: range(),
    monetary: range(),
    added: [null, null],
    bought: [null, null],
  };
}

/** The API query for a list state: yuan → cents, reversed ranges put right, defaults left out. */
export function toListQuery(state: CustomerListState): CustomerListQuery {
  const { filters: f } = state;
  const query: CustomerListQuery = {
    q: f.q.trim() || undefined,
    segment: f.segment,
    lifecycle: f.lifecycle,
    store: f.store,
    owner: f.owner,
    page: state.page,
    pageSize: state.pageSize,
    sort: state.sort,
  };
  query[TAG_PARAMS[f.tagMode]] = f.tags;
  for (const { key, from, to } of DAY_RANGES) {
    query[from] = f[key][0] ?? undefined;
    query[to] = f[key][1] ?? undefined;
  }
  for (const { key, min, max, cents } of RANGES) {
    const [lo, hi] = f[key].map((v) => (v === null ? undefined : cents ? Math.round(v * 100) : v));
    const swap = lo !== undefined && hi !== undefined && lo > hi;
    query[min] = swap ? hi : lo;
    query[max] = swap ? lo : hi;
  }
  return query;
}

/** The URL query of a list state: the API query without its defaults, so links stay short. */
export function toRouteQuery(state: CustomerListState): Record<string, string> {
  const params = customerQueryParams(toListQuery(state));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null) out[k] = String(v);
  if (state.page === 1) delete out.page;
  if (state.pageSize === DEFAULT_PAGE_SIZE) delete out.pageSize;
  if (state.sort === DEFAULT_SORT) delete out.sort;
  return out;
}

const first = (v: LocationQueryValue | LocationQueryValue[] | undefined) => (Array.isArray(v) ? v[0] : v) ?? "";
const list = (v: LocationQueryValue | LocationQueryValue[] | undefined) =>
  first(v)
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
const oneOf = <T extends string>(allowed: readonly T[], values: string[]) =>
  values.filter((v): v is T => (allowed as readonly string[]).includes(v));
const ids = (values: string[]) => values.map(Number).filter((n) => Number.isInteger(n) && n > 0);
function int(v: LocationQueryValue | LocationQueryValue[] | undefined, lo: number, hi = Infinity): number | null {
  const s = first(v);
  const n = Number(s);
  return s !== "" && Number.isInteger(n) && n >= lo && n <= hi ? n : null;
}

/** A list state from the URL (a reload or a shared link); values the API would refuse are dropped. */
export function fromRouteQuery(query: LocationQuery): CustomerListState {
  const filters = emptyFilters();
  filters.q = first(query.q).slice(0, 64);
  filters.segment = oneOf(SEGMENT_KEYS, list(query.segment));
  filters.lifecycle = oneOf(LIFECYCLE_STAGES, list(query.lifecycle));
  filters.store = ids(list(query.store));
  filters.owner = list(query.owner);
  const mode = TAG_MODES.find((m) => list(query[TAG_PARAMS[m]]).length) ?? "any";
  filters.tagMode = mode;
  filters.tags = ids(list(query[TAG_PARAMS[mode]]));
  for (const { key, min, max, score, cents } of RANGES) {
    const read = (v: LocationQueryValue | LocationQueryValue[] | undefined) => {
      const n = score ? int(v, 1, 5) : int(v, 0);
      return n !== null && cents ? n / 100 : n;
    };
    filters[key] = [read(query[min]), read(query[max])];
  }
  const day = (v: LocationQueryValue | LocationQueryValue[] | undefined) =>
    /^\d{4}-\d{2}-\d{2}$/.test(first(v)) ? first(v) : null;
  for (const { key, from, to } of DAY_RANGES) filters[key] = [day(query[from]), day(query[to])];
  const sort = oneOf(CUSTOMER_SORTS, [first(query.sort)])[0] ?? DEFAULT_SORT;
  const pageSize = int(query.pageSize, 1, 200) ?? DEFAULT_PAGE_SIZE;
  return { filters, page: int(query.page, 1) ?? 1, pageSize, sort };
}
