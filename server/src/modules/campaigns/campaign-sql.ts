import { insertIgnore, placeholders, type Dialect } from "../../db/dialect.ts";
import type { CampaignChannel } from "./campaign.entity.ts";
import type { CampaignScope, MaterialVariant } from "./campaigns.schemas.ts";

/**
 * The launch's SQL, built here as text with its bound values so that a unit test can snapshot
 * it per dialect and a reviewer sees every change. Each statement is one set-based write over the
 * whole audience (never a query per customer). Instants are bound as sqlTime() text.
 */

/** SQL text and the values of its `?`s, in order. */
export interface Stmt {
  text: string;
  params: unknown[];
}

/** `q\`… ${value} …\`` binds every value as `?`; an interpolated Stmt is inlined with its own values. */
export function q(strings: TemplateStringsArray, ...values: unknown[]): Stmt {
  let text = strings[0]!;
  const params: unknown[] = [];
  values.forEach((v, i) => {
    if (isStmt(v)) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += "?";
      params.push(v);
    }
    text += strings[i + 1]!;
  });
  return { text, params };
}
const isStmt = (v: unknown): v is Stmt =>
  typeof v === "object" && v !== null && "text" in v && "params" in v && Array.isArray((v as Stmt).params);
/** Trusted SQL text (identifiers, keywords) with the values of its `?`s. */
export const raw = (text: string, ...params: unknown[]): Stmt => ({ text, params });
export const join = (parts: Stmt[], sep: string): Stmt => ({
  text: parts.map((p) => p.text).join(sep),
  params: parts.flatMap((p) => p.params),
});

// ---------------------------------------------------------------------------------------------
// Deterministic seeded hashing, identical on SQLite and MySQL/MariaDB.
//
//   x = (id * 2654435761 + salt) mod P          Knuth's multiplicative step, P = 1 000 037 (prime)
//   h = x³ mod P                                 a permutation of [0, P) because P ≡ 2 (mod 3)
//
// Every intermediate stays below 2^63 for ids below 3·10^9 (x < P, x² < 1.0001·10^12), so both
// databases compute it in exact 64-bit integer arithmetic; the cube breaks the linearity of the
// first step, so two salts give unrelated orders. A customer is in the holdout when
// h / P < holdout_bp / 10 000, compared without division as h·10 000 < bp·P. The A/B variant uses
// the same hash with salt seed + VARIANT_SALT, so holdout and variant are independent draws.
// hashOf() below is the JavaScript twin that tests use to predict the SQL.
// ---------------------------------------------------------------------------------------------
export const HASH_PRIME = 1_000_037;
const MULTIPLIER = 2_654_435_761;
export const VARIANT_SALT = 7_919;

export function hashSql(column: string, salt: number): Stmt {
  // The salt is written as an integer literal, not bound: better-sqlite3 binds a JS number as a
  // REAL, which would turn the sum into floating point (inexact above 2^53) on SQLite. It is
  // the campaign's seed (server-generated), checked to be a safe integer.
  if (!Number.isSafeInteger(salt) || salt < 0) throw new Error(`hash salt must be a non-negative integer: ${salt}`);
  const x = raw(`((${column} * ${MULTIPLIER} + ${salt}) % ${HASH_PRIME})`);
  return q`(((${x} * ${x}) % ${raw(String(HASH_PRIME))}) * ${x} % ${raw(String(HASH_PRIME))})`;
}

export function hashOf(id: number, salt: number): number {
  const P = BigInt(HASH_PRIME);
  const x = (BigInt(id) * BigInt(MULTIPLIER) + BigInt(salt)) % P;
  return Number((((x * x) % P) * x) % P);
}

/** True when the holdout takes this id (the twin of the SQL condition). */
export function inHoldout(id: number, seed: number, holdoutBp: number): boolean {
  return hashOf(id, seed) * 10_000 < holdoutBp * HASH_PRIME;
}

/** The variant of an id for the given shares (the twin of variantSql). */
export function variantOf(id: number, seed: number, materials: MaterialVariant[]): string {
  const h = hashOf(id, seed + VARIANT_SALT) * 100;
  let cum = 0;
  for (const m of materials) {
    cum += m.share;
    if (h < cum * HASH_PRIME) return m.variant;
  }
  return materials[materials.length - 1]!.variant;
}

/** CASE choosing a variant from a hash expression by cumulative shares (percent). */
function variantSql(hash: Stmt, materials: MaterialVariant[]): Stmt {
  if (materials.length === 1) return q`${materials[0]!.variant}`;
  let cum = 0;
  const arms = materials.slice(0, -1).map((m) => {
    cum += m.share;
    return q` WHEN ${hash} * 100 < ${cum * HASH_PRIME} THEN ${m.variant}`;
  });
  return q`CASE${join(arms, "")} ELSE ${materials[materials.length - 1]!.variant} END`;
}

// ---------------------------------------------------------------------------------------------
// Scope and assignment
// ---------------------------------------------------------------------------------------------

/**
 * In-scope staff, on alias `s` (staff): active members of the listed stores or listed
 * individually (the union of both lists); no list means the whole corp.
 */
export function scopeSql(scope: CampaignScope): Stmt {
  const parts: Stmt[] = [];
  if (scope.storeIds?.length)
    parts.push(
      q`EXISTS (SELECT 1 FROM staff_stores ss WHERE ss.staff_id = s.id AND ss.store_id IN (${raw(placeholders(scope.storeIds.length), ...scope.storeIds)}))`,
    );
  if (scope.staffIds?.length) parts.push(raw(`s.id IN (${placeholders(scope.staffIds.length)})`, ...scope.staffIds));
  const who = parts.length ? q` AND (${join(parts, " OR ")})` : raw("");
  return q`s.status = 'active'${who}`;
}

export type AssignmentRule = "first_added" | "last_added" | "last_contacted";

/** Who owns a customer among the in-scope staff following them (first row wins). */
export const ASSIGNMENT_ORDER: Record<AssignmentRule, string> = {
  first_added: "f.added_at ASC, s.userid ASC, s.id ASC",
  last_added: "f.added_at DESC, s.userid ASC, s.id ASC",
  // never contacted comes last; among equals the first_added rule decides
  last_contacted:
    "CASE WHEN f.last_contacted_at IS NULL THEN 1 ELSE 0 END ASC, f.last_contacted_at DESC, f.added_at ASC, s.userid ASC, s.id ASC",
};

// ---------------------------------------------------------------------------------------------
// The launch, statement by statement
// ---------------------------------------------------------------------------------------------

export interface LaunchPlan {
  campaignId: number;
  channel: CampaignChannel;
  scope: CampaignScope;
  rule: AssignmentRule;
  seed: number;
  holdoutBp: number;
  materials: MaterialVariant[];
  /** `FROM customers c … WHERE …` selecting the audience as c.id (SegmentsService.membersSql, listMembersSql) */
  members: Stmt;
  /** the audience was written to campaign_audience before the launch (automations) */
  prefrozen: boolean;
  now: string;
  dueAt: string;
  frequencyCap: { maxTargets: number; since: string };
  /** the natural day (Asia/Shanghai) of the launch, as UTC bounds */
  day: { from: string; to: string };
}

export interface NamedStmt extends Stmt {
  name: string;
}

/** Claims the campaign: only one launcher turns the draft into a running campaign. */
export function claimSql(campaignId: number, now: string): Stmt {
  return q`UPDATE campaigns SET status = 'running', launched_at = ${now}, updated_at = ${now}
           WHERE id = ${campaignId} AND status = 'draft'`;
}

/**
 * The statements of one launch, in order; all run in one transaction after claimSql.
 *
 * The freeze is one INSERT … SELECT that writes each member of the audience together with
 * everything decided about them: the owner the assignment rule picks among the in-scope staff
 * following them (a window function over members × follow relations) and the first reason, in
 * tasks.md's order, that leaves them out. The tasks are then created from the frozen audience (one
 * per owner of at least one treated customer) and the targets inserted already carrying their
 * task, so no statement goes back over rows another one wrote. An audience frozen before the
 * launch (automations write campaign_audience themselves) gets the same owner and reason from one
 * UPDATE instead.
 */
export function launchStatements(dialect: Dialect, p: LaunchPlan): NamedStmt[] {
  const ignore = insertIgnore(dialect);
  const id = p.campaignId;
  const scope = scopeSql(p.scope);
  const out: NamedStmt[] = [];
  const add = (name: string, s: Stmt) => out.push({ name, ...s });
  const groups = p.channel === "group_post";

  // (1) freeze the audience, with (2) its exclusions and (4) each member's owner
  /** an in-scope follow relation of the customer in `customer` (any status, or active only) */
  const relation = (customer: string, active: boolean) =>
    q`EXISTS (SELECT 1 FROM follow_relations f JOIN staff s ON s.id = f.staff_id
               WHERE f.customer_id = ${raw(customer)}${raw(active ? " AND f.status = 'active'" : "")} AND ${scope})`;
  const dnd = (customer: string, flag: Stmt) =>
    q`(${flag} OR EXISTS (SELECT 1 FROM customer_tags ct JOIN tags tg ON tg.id = ct.tag_id
                 WHERE ct.customer_id = ${raw(customer)} AND tg.code = 'do_not_disturb' AND tg.deleted_at IS NULL))`;
  /** The first reason that leaves the customer out (NULL: a target); `noOwner` says no in-scope staff follows them. */
  const reasonSql = (customer: string, flag: Stmt, noOwner: Stmt): Stmt => {
    if (groups) return q`CASE WHEN ${dnd(customer, flag)} THEN 'do_not_disturb' ELSE NULL END`;
    const arms: Stmt[] = [
      q` WHEN ${noOwner} AND ${relation(customer, false)} THEN 'deleted_all_staff'`,
      q` WHEN ${dnd(customer, flag)} THEN 'do_not_disturb'`,
      q` WHEN (SELECT COUNT(*) FROM targets t
                WHERE t.customer_id = ${raw(customer)} AND t.campaign_id <> ${id} AND t.is_control = 0
                  AND t.status IN ('pending', 'sent', 'converted')
                  AND (t.sent_at >= ${p.frequencyCap.since} OR t.created_at >= ${p.frequencyCap.since})) >= ${p.frequencyCap.maxTargets} THEN 'frequency_cap'`,
    ];
    if (p.channel === "mass_send")
      arms.push(
        q` WHEN EXISTS (SELECT 1 FROM targets t JOIN campaigns k ON k.id = t.campaign_id
                 WHERE t.customer_id = ${raw(customer)} AND t.campaign_id <> ${id} AND k.channel = 'mass_send'
                   AND t.is_control = 0 AND t.status IN ('pending', 'sent', 'converted')
                   AND ((t.sent_at >= ${p.day.from} AND t.sent_at < ${p.day.to})
                        OR (t.sent_at IS NULL AND t.created_at >= ${p.day.from} AND t.created_at < ${p.day.to}))) THEN 'mass_send_same_day'`,
      );
    // never followed by anyone in scope: reported as unassignable, and kept out of the holdout
    // draw so that treated and control groups hold the same kind of customer
    arms.push(q` WHEN ${noOwner} THEN 'unassignable'`);
    return q`CASE${join(arms, "")} ELSE NULL END`;
  };
  const order = raw(ASSIGNMENT_ORDER[p.rule]);

  if (p.prefrozen) {
    add(
      "freeze",
      q`${raw(ignore)} INTO campaign_audience (campaign_id, customer_id, reason, staff_id, created_at)
        SELECT ${id}, c.id, NULL, NULL, ${p.now} ${p.members}`,
    );
    const customer = "campaign_audience.customer_id";
    const flag = q`EXISTS (SELECT 1 FROM customers c WHERE c.id = ${raw(customer)} AND c.do_not_disturb <> 0)`;
    // the owner is assigned first; the reason reads no column this statement writes (MySQL would
    // see the new value, SQLite the old one)
    const owner = groups
      ? raw("NULL")
      : q`(SELECT f.staff_id FROM follow_relations f JOIN staff s ON s.id = f.staff_id
            WHERE f.customer_id = ${raw(customer)} AND f.status = 'active' AND ${scope}
            ORDER BY ${order} LIMIT 1)`;
    add(
      "assign",
      q`UPDATE campaign_audience SET staff_id = ${owner}, reason = ${reasonSql(customer, flag, q`NOT ${relation(customer, true)}`)}
         WHERE campaign_id = ${id} AND reason IS NULL`,
    );
  } else if (groups) {
    add(
      "freeze",
      q`${raw(ignore)} INTO campaign_audience (campaign_id, customer_id, reason, staff_id, created_at)
        SELECT ${id}, c.id, ${reasonSql("c.id", raw("c.do_not_disturb <> 0"), raw("1 = 0"))}, NULL, ${p.now} ${p.members}`,
    );
  } else {
    // one row per member: its first in-scope active follower by the assignment rule, or NULL
    add(
      "freeze",
      q`${raw(ignore)} INTO campaign_audience (campaign_id, customer_id, reason, staff_id, created_at)
        SELECT ${id}, x.id, ${reasonSql("x.id", raw("x.dnd <> 0"), raw("x.staff_id IS NULL"))}, x.staff_id, ${p.now}
          FROM (SELECT m.id, m.dnd, f.staff_id, ROW_NUMBER() OVER (PARTITION BY m.id ORDER BY ${order}) AS rn
                  FROM (SELECT c.id, c.do_not_disturb AS dnd ${p.members}) m
                  LEFT JOIN (follow_relations f JOIN staff s ON s.id = f.staff_id)
                         ON f.customer_id = m.id AND f.status = 'active' AND ${scope}) x
         WHERE x.rn = 1`,
    );
  }

  const taskColumns = raw(`campaign_id, staff_id, status, due_at, targets_total, targets_pending, wecom_msgid,
                                notified_at, reminders_sent, created_at, updated_at`);
  const targetColumns = raw(`campaign_id, task_id, staff_id, customer_id, group_id, status, is_control, variant,
                                    reason, sent_at, converted_at, conversion_order_id, revenue_cents, created_at, updated_at`);
  if (groups) {
    // (3, 4) a group post reaches whole groups: one target per active group of an in-scope owner
    // that holds at least one remaining audience member; no holdout, the owner is the assignee
    const reaches = q`EXISTS (SELECT 1 FROM group_members gm JOIN campaign_audience a ON a.customer_id = gm.customer_id
                       WHERE gm.group_id = g.id AND gm.left_at IS NULL AND a.campaign_id = ${id} AND a.reason IS NULL)`;
    // (5) one task per owner of a reached group, then the targets carrying their task
    add(
      "tasks",
      q`${raw(ignore)} INTO tasks (${taskColumns})
        SELECT ${id}, g.owner_staff_id, 'open', ${p.dueAt}, COUNT(*), COUNT(*), NULL, NULL, NULL, ${p.now}, ${p.now}
          FROM customer_groups g JOIN staff s ON s.id = g.owner_staff_id
         WHERE g.status = 'active' AND ${scope} AND ${reaches}
         GROUP BY g.owner_staff_id`,
    );
    add(
      "targets",
      q`${raw(ignore)} INTO targets (${targetColumns})
        SELECT ${id}, k.id, g.owner_staff_id, NULL, g.id, 'pending', 0, ${variantSql(hashSql("g.id", p.seed + VARIANT_SALT), p.materials)},
               NULL, NULL, NULL, NULL, 0, ${p.now}, ${p.now}
          FROM customer_groups g JOIN staff s ON s.id = g.owner_staff_id
          JOIN tasks k ON k.campaign_id = ${id} AND k.staff_id = g.owner_staff_id
         WHERE g.status = 'active' AND ${scope} AND ${reaches}`,
    );
  } else {
    // (3) holdout: a seeded hash of the customer decides control; the variant is a second draw
    const control = (h: Stmt) => q`${h} * 10000 < ${p.holdoutBp * HASH_PRIME}`;
    // (5) one task per owner of at least one treated customer
    add(
      "tasks",
      q`${raw(ignore)} INTO tasks (${taskColumns})
        SELECT ${id}, a.staff_id, 'open', ${p.dueAt}, COUNT(*), COUNT(*), NULL, NULL, NULL, ${p.now}, ${p.now}
          FROM campaign_audience a
         WHERE a.campaign_id = ${id} AND a.reason IS NULL AND NOT (${control(hashSql("a.customer_id", p.seed))})
         GROUP BY a.staff_id`,
    );
    const isControl = control(raw("x.h"));
    add(
      "targets",
      q`${raw(ignore)} INTO targets (${targetColumns})
        SELECT ${id}, CASE WHEN ${isControl} THEN NULL ELSE k.id END, x.staff_id, x.customer_id, NULL,
               CASE WHEN ${isControl} THEN 'control' ELSE 'pending' END,
               CASE WHEN ${isControl} THEN 1 ELSE 0 END,
               CASE WHEN ${isControl} THEN NULL ELSE ${variantSql(raw("x.v"), p.materials)} END,
               NULL, NULL, NULL, NULL, 0, ${p.now}, ${p.now}
          FROM (SELECT a.customer_id, a.staff_id,
                       ${hashSql("a.customer_id", p.seed)} AS h,
                       ${hashSql("a.customer_id", p.seed + VARIANT_SALT)} AS v
                  FROM campaign_audience a
                 WHERE a.campaign_id = ${id} AND a.reason IS NULL) x
          LEFT JOIN tasks k ON k.campaign_id = ${id} AND k.staff_id = x.staff_id
         ORDER BY x.customer_id`,
    );
  }

  // (7, planned here, created after commit) one mass send per task, variant and 10 000 recipients
  if (p.channel === "mass_send") {
    const chunk = dialect === "sqlite" ? "(y.rn - 1) / 10000" : "(y.rn - 1) DIV 10000";
    add(
      "mass_sends",
      q`${raw(ignore)} INTO campaign_mass_sends (campaign_id, task_id, staff_id, variant, chunk, recipients, status, msgid,
                                                fail_count, error, results_read_at, created_at, updated_at)
        SELECT ${id}, y.task_id, y.staff_id, y.variant, ${raw(chunk)}, COUNT(*), 'pending', NULL, 0, NULL, NULL, ${p.now}, ${p.now}
          FROM (SELECT t.task_id, t.staff_id, t.variant, ROW_NUMBER() OVER (PARTITION BY t.task_id, t.variant ORDER BY t.id) AS rn
                  FROM targets t WHERE t.campaign_id = ${id} AND t.is_control = 0) y
         GROUP BY y.task_id, y.staff_id, y.variant, ${raw(chunk)}`,
    );
  }
  return out;
}

/** Start and end (UTC) of the Asia/Shanghai natural day holding `at` (UTC+8, no daylight saving). */
export function shanghaiDay(at: Date): { from: Date; to: Date } {
  const offset = 8 * 3600_000;
  const start = Math.floor((at.getTime() + offset) / 86_400_000) * 86_400_000 - offset;
  return { from: new Date(start), to: new Date(start + 86_400_000) };
}

/** `column` plus a whole number of days held in `daysColumn`, as a datetime both sides compare alike. */
export function plusDaysSql(dialect: Dialect, column: string, daysColumn: string): string {
  return dialect === "sqlite"
    ? `strftime('%Y-%m-%d %H:%M:%f', ${column}, '+' || ${daysColumn} || ' days')`
    : `DATE_ADD(${column}, INTERVAL ${daysColumn} DAY)`;
}

/**
 * Sent targets with a qualifying order in their conversion window, the first such order each
 * (paid, net amount > 0, sent_at < paid_at <= sent_at + window, paid by `now`), in target id order
 * after `afterId`.
 */
export function conversionsSql(
  dialect: Dialect,
  p: { afterId: number; now: string; campaignId?: number; limit: number },
): Stmt {
  const campaign = p.campaignId ? q` AND t.campaign_id = ${p.campaignId}` : raw("");
  return q`SELECT x.target_id, x.order_id, x.paid_at, x.net
    FROM (SELECT t.id AS target_id, o.id AS order_id, o.paid_at, o.amount_cents - o.refund_cents AS net,
                 ROW_NUMBER() OVER (PARTITION BY t.id ORDER BY o.paid_at, o.id) AS rn
            FROM targets t
            JOIN campaigns k ON k.id = t.campaign_id
            JOIN orders o ON o.customer_id = t.customer_id
           WHERE t.status = 'sent' AND t.customer_id IS NOT NULL AND t.id > ${p.afterId}${campaign}
             AND o.status = 'paid' AND o.amount_cents - o.refund_cents > 0
             AND o.paid_at > t.sent_at AND o.paid_at <= ${raw(plusDaysSql(dialect, "t.sent_at", "k.conversion_window_days"))}
             AND o.paid_at <= ${p.now}) x
   WHERE x.rn = 1
   ORDER BY x.target_id
   LIMIT ${raw(String(Math.trunc(p.limit)))}`;
}
