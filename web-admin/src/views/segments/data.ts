import type { RangeValue, Rule, RuleCondition, RuleField, RuleNode } from "@/api/segments";

// The rule builder edits a tree of keyed nodes; conditions keep every input in one flat shape so
// that switching a condition's field never loses Vue reactivity. toRule/fromRule convert to and
// from the server's rule JSON (server/src/modules/segments/segment-rule.ts).

export const RULE_FIELDS: RuleField[] = [
  "segment",
  "lifecycle",
  "score",
  "figure",
  "tags",
  "store",
  "owner",
  "follow_date",
  "group_member",
  "group_activity",
  "channel_state",
  "not_contacted_days",
  "not_in_campaign",
];

/** Operators per field; fields without one have none. */
export const FIELD_OPS: Partial<Record<RuleField, string[]>> = {
  segment: ["in", "not_in"],
  lifecycle: ["in", "not_in"],
  tags: ["any", "all", "none"],
  group_member: ["in", "not_in"],
  group_activity: ["active_within_days", "silent_for_days"],
  store: ["in", "not_in"],
  owner: ["in", "not_in"],
  channel_state: ["in", "prefix"],
};

export interface UiCondition {
  key: string;
  kind: "condition";
  field: RuleField;
  op: string;
  /** segment, lifecycle, channel_state values; owner userids */
  values: string[];
  /** tags, stores, groups, campaigns */
  ids: number[];
  dimension: "r" | "f" | "m";
  figure: "recency_days" | "frequency" | "monetary_cents";
  /** figures in the unit people think in: monetary in yuan */
  min: number | null;
  max: number | null;
  days: number | null;
  /** YYYY-MM-DD in the corp's time zone (Asia/Shanghai) */
  from: string;
  to: string;
}

export interface UiGroup {
  key: string;
  kind: "group";
  mode: "all" | "any";
  children: UiNode[];
}

export type UiNode = UiCondition | UiGroup;

let nextKey = 0;
const newKey = () => `n${++nextKey}`;

export function newCondition(field: RuleField = "segment"): UiCondition {
  return {
    key: newKey(),
    kind: "condition",
    field,
    op: FIELD_OPS[field]?.[0] ?? "",
    values: [],
    ids: [],
    dimension: "r",
    figure: "recency_days",
    min: null,
    max: null,
    days: null,
    from: "",
    to: "",
  };
}

/** Resets a condition's inputs for a new field, keeping its key. */
export function changeField(c: UiCondition, field: RuleField): void {
  Object.assign(c, { ...newCondition(field), key: c.key });
}

export function newGroup(mode: "all" | "any" = "all", children: UiNode[] = []): UiGroup {
  return { key: newKey(), kind: "group", mode, children };
}

const CORP_OFFSET = "+08:00";
const toIso = (day: string, end: boolean) => `${day}T${end ? "23:59:59.999" : "00:00:00.000"}${CORP_OFFSET}`;
/** The corp-local day of an ISO time. */
function toDay(iso: string | undefined): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "";
  return new Date(t + 8 * 3600_000).toISOString().slice(0, 10);
}

function range(c: UiCondition, scale = 1): RangeValue | null {
  const r: RangeValue = {};
  if (c.min !== null && c.min !== undefined) r.min = Math.round(c.min * scale);
  if (c.max !== null && c.max !== undefined) r.max = Math.round(c.max * scale);
  return r.min === undefined && r.max === undefined ? null : r;
}

/**
 * One condition as the server's JSON; null when it is not filled in yet (a lenient conversion, for
 * the live preview, leaves it out; a strict one sends it as it is so the server names the problem).
 */
export function conditionToJson(c: UiCondition, strict = false): RuleCondition | null {
  const op = c.op as never;
  const partial = (complete: boolean, value: RuleCondition) => (complete || strict ? value : null);
  switch (c.field) {
    case "segment":
    case "lifecycle":
      return partial(c.values.length > 0, { field: c.field, op, values: [...c.values] } as RuleCondition);
    case "channel_state":
      return partial(c.values.length > 0, { field: "channel_state", op, values: [...c.values] });
    case "owner":
      return partial(c.values.length > 0, { field: "owner", op, userids: [...c.values] });
    case "score": {
      const r = range(c);
      return partial(r !== null, { field: "score", dimension: c.dimension, range: r ?? {} });
    }
    case "figure": {
      const r = range(c, c.figure === "monetary_cents" ? 100 : 1);
      return partial(r !== null, { field: "figure", figure: c.figure, range: r ?? {} });
    }
    case "tags":
      return partial(c.ids.length > 0, { field: "tags", op, tagIds: [...c.ids] });
    case "store":
      return partial(c.ids.length > 0, { field: "store", op, storeIds: [...c.ids] });
    case "not_in_campaign":
      return partial(c.ids.length > 0, { field: "not_in_campaign", campaignIds: [...c.ids] });
    case "group_member":
      return { field: "group_member", op, ...(c.ids.length ? { groupIds: [...c.ids] } : {}) };
    case "group_activity":
      return partial(!!c.days, { field: "group_activity", op, days: c.days ?? 0 });
    case "not_contacted_days":
      return partial(!!c.days, { field: "not_contacted_days", days: c.days ?? 0 });
    case "follow_date": {
      const out: RuleCondition = { field: "follow_date" };
      if (c.from) out.from = toIso(c.from, false);
      if (c.to) out.to = toIso(c.to, true);
      return partial(!!(c.from || c.to), out);
    }
  }
}

/** The builder's tree as the server's rule. Lenient: incomplete conditions and empty any-groups are left out. */
export function toRule(group: UiGroup, strict = false): Rule {
  const children: RuleNode[] = [];
  for (const child of group.children) {
    if (child.kind === "group") {
      const sub = toRule(child, strict);
      const items = "all" in sub ? sub.all : sub.any;
      if (!strict && items.length === 0) continue;
      children.push(sub);
    } else {
      const json = conditionToJson(child, strict);
      if (json) children.push(json);
    }
  }
  return group.mode === "all" ? { all: children } : { any: children };
}

function conditionFromJson(json: RuleCondition): UiCondition {
  const c = newCondition(json.field);
  if ("op" in json) c.op = json.op;
  switch (json.field) {
    case "segment":
    case "lifecycle":
    case "channel_state":
      c.values = [...json.values];
      break;
    case "owner":
      c.values = [...json.userids];
      break;
    case "score":
      c.dimension = json.dimension;
      c.min = json.range.min ?? null;
      c.max = json.range.max ?? null;
      break;
    case "figure": {
      const scale = json.figure === "monetary_cents" ? 100 : 1;
      c.figure = json.figure;
      c.min = json.range.min === undefined ? null : json.range.min / scale;
      c.max = json.range.max === undefined ? null : json.range.max / scale;
      break;
    }
    case "tags":
      c.ids = [...json.tagIds];
      break;
    case "store":
      c.ids = [...json.storeIds];
      break;
    case "group_member":
      c.ids = [...(json.groupIds ?? [])];
      break;
    case "not_in_campaign":
      c.ids = [...json.campaignIds];
      break;
    case "group_activity":
    case "not_contacted_days":
      c.days = json.days;
      break;
    case "follow_date":
      c.from = toDay(json.from);
      c.to = toDay(json.to);
      break;
  }
  return c;
}

/** The server's rule as the builder's tree. */
export function fromRule(rule: Rule): UiGroup {
  const mode = "all" in rule ? "all" : "any";
  const items = "all" in rule ? rule.all : rule.any;
  return newGroup(
    mode,
    items.map((n) => ("all" in n || "any" in n ? fromRule(n) : conditionFromJson(n))),
  );
}

/**
 * The builder node a server error path points at ("rule.all.2.any.0.range" → that condition),
 * counting nodes as the strict conversion sends them.
 */
export function nodeAtPath(root: UiGroup, path: string): string | null {
  const parts = path.split(".");
  if (parts[0] === "rule" || parts[0] === "audience") parts.shift();
  if (parts[0] === "rule") parts.shift();
  let node: UiNode = root;
  while (parts.length >= 2 && node.kind === "group" && (parts[0] === "all" || parts[0] === "any")) {
    const child: UiNode | undefined = node.children[Number(parts[1])];
    if (!child) break;
    node = child;
    parts.splice(0, 2);
  }
  return node.key;
}

/** Server field errors keyed by builder node, for showing each next to its condition. */
export function ruleErrors(root: UiGroup, fields: { field: string; reason: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    if (!f.field.startsWith("rule") && !f.field.startsWith("audience.rule")) continue;
    const key = nodeAtPath(root, f.field);
    if (key) out[key] = out[key] ? `${out[key]}; ${f.reason}` : f.reason;
  }
  return out;
}

/** Field problems of a ValidationError's details. */
export function problemsOf(details: Record<string, unknown> | undefined): { field: string; reason: string }[] {
  const fields = details?.fields;
  return Array.isArray(fields) ? (fields as { field: string; reason: string }[]) : [];
}

/** Number of conditions in a rule, for the list. */
export function countConditions(rule: RuleNode): number {
  if ("all" in rule) return rule.all.reduce((n, r) => n + countConditions(r), 0);
  if ("any" in rule) return rule.any.reduce((n, r) => n + countConditions(r), 0);
  return 1;
}
