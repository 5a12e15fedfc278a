import type { EntityManager } from "typeorm";
import { CsvFormatError, CsvHeaderError, readCsv, type CsvInput } from "../imports/csv.ts";
import { MOBILE } from "../imports/fields.ts";
import { selectIn } from "../imports/batch.ts";

/** The key columns a list may have, in the order data-formats.md matches them. */
export const LIST_KEYS = ["external_userid", "mobile", "unionid"] as const;
export type ListKey = (typeof LIST_KEYS)[number];

export interface ListRow {
  line: number;
  /** the row's non-empty keys, natural key (first present) first */
  keys: { kind: ListKey; value: string }[];
  /** why the row cannot be matched at all (a bad cell), before any lookup */
  problem?: string;
}

export interface ParsedList {
  keyColumns: ListKey[];
  rows: ListRow[];
}

const MAX_VALUE = 128;

/**
 * Reads an uploaded list: a header naming one or more of external_userid, mobile, unionid (in any
 * order, nothing else), then one customer per row. A file that is not CSV, or whose header is
 * wrong, is a CsvFormatError / CsvHeaderError; a bad row is kept with its problem.
 */
export async function parseList(input: CsvInput): Promise<ParsedList> {
  let header: { kind: ListKey; index: number }[] | null = null;
  const rows: ListRow[] = [];
  for await (const rec of readCsv(input)) {
    if (!header) {
      header = listHeader(rec.fields, rec.line);
      continue;
    }
    const keys: ListRow["keys"] = [];
    for (const kind of LIST_KEYS) {
      const col = header.find((h) => h.kind === kind);
      const value = col ? (rec.fields[col.index] ?? "").trim() : "";
      if (value) keys.push({ kind, value });
    }
    const row: ListRow = { line: rec.line, keys };
    const bad = keys.find((k) => k.value.length > MAX_VALUE);
    const mobile = keys.find((k) => k.kind === "mobile");
    if (rec.problem) row.problem = rec.problem.reason;
    else if (rec.fields.length !== header.length)
      row.problem = `expected ${header.length} field${header.length > 1 ? "s" : ""}, found ${rec.fields.length}`;
    else if (!keys.length) row.problem = `no ${header.map((h) => h.kind).join(", ")} on the row`;
    else if (bad) row.problem = `${bad.kind} is longer than ${MAX_VALUE} characters`;
    else if (mobile && !MOBILE.test(mobile.value)) row.problem = "mobile must be an 11-digit mainland number";
    rows.push(row);
  }
  if (!header)
    throw new CsvHeaderError(`the file is empty; expected a header of ${LIST_KEYS.join(", ")} (one or more)`, 1);
  if (!rows.length) throw new CsvFormatError("the file has a header but no rows", 1);
  return { keyColumns: header.map((h) => h.kind), rows };
}

function listHeader(fields: string[], line: number): { kind: ListKey; index: number }[] {
  const names = fields.map((f) => f.trim().toLowerCase());
  const unknown = names.filter((n) => !(LIST_KEYS as readonly string[]).includes(n));
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  const problems: string[] = [];
  if (unknown.length)
    problems.push(`unexpected column${unknown.length > 1 ? "s" : ""} ${unknown.map((n) => n || "(empty)").join(", ")}`);
  if (repeated.length) problems.push(`repeated column${repeated.length > 1 ? "s" : ""} ${repeated.join(", ")}`);
  if (problems.length)
    throw new CsvHeaderError(
      `wrong header on line ${line}: ${problems.join("; ")} (a list has one or more of the columns ${LIST_KEYS.join(", ")})`,
      line,
    );
  return names.map((kind, index) => ({ kind: kind as ListKey, index }));
}

export interface ListMatch {
  /** customer id → first line naming it */
  members: Map<number, number>;
  duplicates: number;
  unmatched: { line: number; value: string; reason: string }[];
}

/**
 * Matches each row to one customer (data-formats.md): by any of its keys, the natural key first,
 * through customer_identities, or the customer's own column when no identity was recorded (the
 * column must then name exactly one customer). A row whose keys name different customers, or
 * that names no customer, is unmatched; a row naming a customer an earlier row named is a
 * duplicate, counted once.
 */
export async function matchList(em: EntityManager, rows: ListRow[]): Promise<ListMatch> {
  const wanted = new Map<ListKey, Set<string>>(LIST_KEYS.map((k) => [k, new Set<string>()]));
  for (const r of rows) if (!r.problem) for (const k of r.keys) wanted.get(k.kind)!.add(k.value);

  // kind:value → the customer ids holding it
  const holders = new Map<string, Set<number>>();
  const hold = (kind: string, value: string, id: unknown) => {
    const key = `${kind}:${value}`;
    if (!holders.has(key)) holders.set(key, new Set());
    holders.get(key)!.add(Number(id));
  };
  const identified = new Set<string>();
  for (const [kind, values] of wanted) {
    if (!values.size) continue;
    for (const r of await selectIn<{ customer_id: unknown; value: string }>(
      em,
      (list) => `SELECT customer_id, value FROM customer_identities WHERE kind = ? AND value IN (${list})`,
      [...values],
      [kind],
    )) {
      hold(kind, r.value, r.customer_id);
      identified.add(`${kind}:${r.value}`);
    }
    // a customer whose identities were never recorded is still found by its own column
    const rest = [...values].filter((v) => !identified.has(`${kind}:${v}`));
    for (const r of await selectIn<{ id: unknown; value: string }>(
      em,
      (list) => `SELECT id, ${kind} AS value FROM customers WHERE ${kind} IN (${list})`,
      rest,
    ))
      hold(kind, r.value, r.id);
  }

  const out: ListMatch = { members: new Map(), duplicates: 0, unmatched: [] };
  for (const row of rows) {
    const value = row.keys[0]?.value ?? "";
    const miss = (reason: string) => out.unmatched.push({ line: row.line, value, reason });
    if (row.problem) {
      miss(row.problem);
      continue;
    }
    const found = row.keys.map((k) => ({ ...k, ids: holders.get(`${k.kind}:${k.value}`) ?? new Set<number>() }));
    const ambiguous = found.find((k) => k.ids.size > 1);
    if (ambiguous) {
      miss(`${ambiguous.ids.size} customers have ${ambiguous.kind} ${ambiguous.value}`);
      continue;
    }
    const ids = new Set(found.flatMap((k) => [...k.ids]));
    if (ids.size > 1) {
      const [x, y] = found.filter((k) => k.ids.size);
      miss(`${x!.kind} ${x!.value} and ${y!.kind} ${y!.value} name different customers`);
      continue;
    }
    const [id] = ids;
    if (id === undefined) {
      miss(`no customer has this ${row.keys.map((k) => k.kind).join(" or ")}`);
      continue;
    }
    if (out.members.has(id)) out.duplicates++;
    else out.members.set(id, row.line);
  }
  return out;
}
