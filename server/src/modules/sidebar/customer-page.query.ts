import { jsonArrayAgg, jsonObject, num, readJson, readJsonArray, readTime, type Dialect } from "../../db/dialect.ts";

/**
 * The sidebar's customer page in three statements, run side by side: the customer as this guide
 * follows them with their figures and every short list as a JSON column, then the newest notes,
 * then the newest outreach. Under load a page costs what its statements cost to send, parse and
 * answer, not the handful of index lookups inside them; it used to take ten.
 * Notes and outreach stay separate because they need ORDER BY … LIMIT per customer, which inside
 * one statement means a derived table, and MariaDB materialises each one (about 0.4 ms a page).
 * All three find the customer by external_userid inside this guide's active follow relation, so
 * none answers for a customer the guide does not follow.
 */
export function customerPageSql(dialect: Dialect): string {
  const cached = SQL.get(dialect);
  if (cached) return cached;
  const obj = (fields: Record<string, string>) => jsonObject(dialect, fields);
  const agg = (fields: Record<string, string>) => jsonArrayAgg(dialect, fields);
  const sql = `SELECT c.id, c.external_userid, c.name, c.avatar, c.gender, f.remark, f.added_at, f.state,
      r.segment, r.lifecycle, r.r_score, r.f_score, r.m_score, r.recency_days, r.frequency, r.monetary_cents,
      (SELECT ${obj({ order_no: "o.order_no", paid_at: "o.paid_at", net: "o.amount_cents - o.refund_cents", store_code: "o.store_code" })}
         FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid' ORDER BY o.paid_at DESC LIMIT 1) AS last_order,
      (SELECT ${obj({ n: "COUNT(*)", net: "COALESCE(SUM(o.amount_cents - o.refund_cents), 0)" })}
         FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid' AND o.amount_cents - o.refund_cents > 0 AND o.paid_at > ?) AS order_window,
      (SELECT ${agg({ chat_id: "g.chat_id", name: "g.name" })}
         FROM group_members m JOIN customer_groups g ON g.id = m.group_id
        WHERE m.customer_id = c.id AND m.left_at IS NULL AND g.status = 'active') AS group_list,
      (SELECT ${agg({ id: "t.id", name: "t.name", source: "t.source", group_id: "t.group_id", sort: "t.sort" })}
         FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE ct.customer_id = c.id AND t.deleted_at IS NULL) AS tag_list,
      (SELECT ${agg({ id: "t.id", task_id: "t.task_id", variant: "t.variant", campaign_id: "ca.id", name: "ca.name", channel: "ca.channel", due_at: "k.due_at" })}
         FROM targets t JOIN tasks k ON k.id = t.task_id JOIN campaigns ca ON ca.id = t.campaign_id
        WHERE t.customer_id = c.id AND k.staff_id = ? AND t.status = 'pending' AND ca.status = 'running') AS pending_list
    FROM customers c JOIN follow_relations f ON f.customer_id = c.id AND f.staff_id = ? AND f.status = 'active'
    LEFT JOIN customer_rfm r ON r.customer_id = c.id
   WHERE c.external_userid = ?`;
  SQL.set(dialect, sql);
  return sql;
}

export function customerPageParams(staffId: number, externalUserid: string, since: string): unknown[] {
  return [since, staffId, staffId, externalUserid];
}

/** The customer's id when this guide follows them (active); NULL, so no rows, otherwise. Parameters: external_userid, staff id. */
const FOLLOWED = `SELECT c.id FROM customers c JOIN follow_relations f ON f.customer_id = c.id
  WHERE c.external_userid = ? AND f.staff_id = ? AND f.status = 'active'`;

/** The newest notes; parameters: external_userid, staff id. Ordered as (customer_id, created_at) is indexed. */
export const customerNotesSql = `SELECT n.id, n.body, n.created_at, s.name AS author
   FROM customer_notes n LEFT JOIN staff s ON s.id = n.staff_id
  WHERE n.customer_id = (${FOLLOWED}) ORDER BY n.created_at DESC, n.id DESC LIMIT 20`;

/** The newest outreach (control targets are never sent); parameters: external_userid, staff id. */
export const customerOutreachSql = `SELECT t.status, t.sent_at, t.reason, ca.name AS campaign, ca.channel
   FROM targets t JOIN campaigns ca ON ca.id = t.campaign_id
  WHERE t.customer_id = (${FOLLOWED}) AND t.is_control = 0 ORDER BY t.created_at DESC, t.id DESC LIMIT 10`;

const SQL = new Map<Dialect, string>();

/**
 * A pending target as the page statement and the group page read it. Its campaign's materials are
 * read apart: a JSON column inside the aggregate makes MariaDB spend about 0.15 ms more per page,
 * even when there is no pending target.
 */
export interface PendingTargetRow {
  id: number;
  task_id: number;
  variant: string | null;
  campaign_id: number;
  name: string;
  channel: string;
  due_at: string | null;
}

type Json = Record<string, unknown>;
const byName = new Intl.Collator("zh-CN");
const time = (v: unknown) => readTime(v)?.getTime() ?? -Infinity;

/** The page statement's JSON columns, each sorted as the page shows it (the SQL cannot say). */
export function customerPageLists(row: Json) {
  return {
    lastOrder: readJson<Json>(row.last_order),
    orderWindow: readJson<Json>(row.order_window),
    groups: readJsonArray<Json>(row.group_list).sort((a, b) => byName.compare(String(a.name), String(b.name))),
    tags: readJsonArray<Json>(row.tag_list).sort(
      (a, b) => num(a.group_id) - num(b.group_id) || num(a.sort) - num(b.sort) || num(a.id) - num(b.id),
    ),
    pending: readJsonArray<PendingTargetRow>(row.pending_list).sort(
      (a, b) => time(a.due_at) - time(b.due_at) || a.id - b.id,
    ),
  };
}
