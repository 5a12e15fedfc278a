import type { DataSource } from "typeorm";
import { dialectOf, monthOf, num, placeholders, readTime, sqlTime } from "../../db/dialect.ts";
import { NotFoundError } from "../../http/errors.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import { TagAnyPage } from "./tag-any-page.ts";
import type { CustomerListItem, CustomerListQuery, Paged } from "./customers.schemas.ts";

const SORTS: Record<CustomerListQuery["sort"], string> = {
  id: "c.id ASC",
  "-id": "c.id DESC",
  recency: "COALESCE(r.recency_days, 2147483647) ASC, c.id ASC",
  "-recency": "COALESCE(r.recency_days, -1) DESC, c.id ASC",
  frequency: "COALESCE(r.frequency, -1) ASC, c.id ASC",
  "-frequency": "COALESCE(r.frequency, -1) DESC, c.id ASC",
  monetary: "COALESCE(r.monetary_cents, -1) ASC, c.id ASC",
  "-monetary": "COALESCE(r.monetary_cents, -1) DESC, c.id ASC",
  name: "c.name ASC, c.id ASC",
};

/** At most this many customers are probed for one newest-first page before the set form takes over. */
const PROBE_WINDOW = 20_000;

interface ListPlan {
  from: string;
  /** the customer id column of `from` */
  id: string;
  where: string;
  params: unknown[];
  order: string;
}

/** The list counts its matches exactly up to this many and reports `totalCapped` beyond. */
export const TOTAL_CAP = 10_000;

/**
 * The customer list behind the admin's table, segments and exports: every filter compiles to a
 * bound-parameter SQL condition (never text from the request), the same on both databases. A
 * store manager sees only customers followed by staff of their stores.
 */
export class CustomersService {
  constructor(
    private readonly ds: DataSource,
    private readonly totalCap = TOTAL_CAP,
    private readonly probeWindow = PROBE_WINDOW,
  ) {
    this.tagAny = new TagAnyPage(ds);
  }

  private readonly tagAny: TagAnyPage;

  /**
   * WHERE conditions and parameters for a filter; also used by segments and CSV export.
   * `set` writes membership conditions (store, owner, tags) as `c.id IN (subquery)`, which the
   * planners run once as a set: right for counting and for sparse matches. `probe` writes them as a
   * correlated count per customer, so that a newest-first page reads customers by primary key and
   * stops at the page's last match: right when matches are dense among the newest customers.
   * `lookup` builds each set once and looks customers up in it while another condition's index
   * drives the reading: right when a figure (segment, scores, spend) narrows the customers first.
   */
  where(
    q: Partial<CustomerListQuery>,
    user?: UserView,
    form: "set" | "probe" | "lookup" = "set",
  ): { sql: string; params: unknown[] } {
    const conds: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...p: unknown[]) => {
      conds.push(sql);
      params.push(...p);
    };
    /** `c.id` among `col` of `from … where`; a `small` set (one guide's customers) always drives as a set. */
    const member = (col: string, from: string, where: string, p: unknown[], small = false) =>
      form === "set" || (form === "lookup" && small)
        ? add(`c.id IN (SELECT ${col} FROM ${from} WHERE ${where})`, ...p)
        : form === "lookup"
          ? // not a top-level IN, so not turned into a semi-join: built once, then looked up per row
            add(`(c.id IN (SELECT ${col} FROM ${from} WHERE ${where})) = 1`, ...p)
          : add(`(SELECT COUNT(*) FROM ${from} WHERE ${col} = c.id AND ${where}) > 0`, ...p);
    const inStores = (stores: number[]) =>
      member(
        "f.customer_id",
        "follow_relations f JOIN staff_stores ss ON ss.staff_id = f.staff_id",
        `ss.store_id IN (${placeholders(stores.length)}) AND f.status = 'active'`,
        stores,
      );
    if (user?.role === "store_manager") inStores(user.storeIds.length ? user.storeIds : [0]);
    if (q.store?.length) inStores(q.store);
    if (q.owner?.length)
      member(
        "f.customer_id",
        "follow_relations f JOIN staff s ON s.id = f.staff_id",
        `s.userid IN (${placeholders(q.owner.length)}) AND f.status = 'active'`,
        q.owner,
        true,
      );
    if (q.tagsAny?.length)
      member("ct.customer_id", "customer_tags ct", `ct.tag_id IN (${placeholders(q.tagsAny.length)})`, q.tagsAny);
    if (q.tagsAll?.length) {
      const all = [...new Set(q.tagsAll)];
      // one semi-join per tag lets the database start from the rarest tag and probe the others by
      // primary key; past a handful of tags one grouped subquery keeps the join count bounded
      if (all.length <= 8 || form !== "set")
        for (const tagId of all) member("ct.customer_id", "customer_tags ct", "ct.tag_id = ?", [tagId]);
      else
        add(
          `c.id IN (SELECT ct.customer_id FROM customer_tags ct WHERE ct.tag_id IN (${placeholders(all.length)})
                     GROUP BY ct.customer_id HAVING COUNT(*) = ?)`,
          ...all,
          all.length,
        );
    }
    if (q.tagsNone?.length)
      add(
        // a correlated count probes the primary key per customer; NOT EXISTS would be planned as a
        // materialised set of everyone holding the tag, a scan of hundreds of thousands of rows
        `(SELECT COUNT(*) FROM customer_tags ct WHERE ct.customer_id = c.id AND ct.tag_id IN (${placeholders(q.tagsNone.length)})) = 0`,
        ...q.tagsNone,
      );
    if (q.segment?.length) add(`r.segment IN (${placeholders(q.segment.length)})`, ...q.segment);
    if (q.lifecycle?.length) {
      // a customer added since the last computation has no RFM row yet and counts as a prospect;
      // written without COALESCE so that the lifecycle index serves the condition
      const stages = `r.lifecycle IN (${placeholders(q.lifecycle.length)})`;
      if (q.lifecycle.includes("prospect")) add(`(${stages} OR r.customer_id IS NULL)`, ...q.lifecycle);
      else add(stages, ...q.lifecycle);
    }
    const range = (col: string, lo?: number, hi?: number) => {
      if (lo !== undefined) add(`${col} >= ?`, lo);
      if (hi !== undefined) add(`${col} <= ?`, hi);
    };
    range("r.r_score", q.rMin, q.rMax);
    range("r.f_score", q.fMin, q.fMax);
    range("r.m_score", q.mMin, q.mMax);
    range("r.recency_days", q.recencyMin, q.recencyMax);
    range("r.frequency", q.frequencyMin, q.frequencyMax);
    range("r.monetary_cents", q.monetaryMin, q.monetaryMax);
    // the dashboard's period figures, as lists: the same definitions (dashboard-overview.ts)
    const scoped = user?.role === "store_manager";
    const stores = scoped ? (user!.storeIds.length ? user!.storeIds : [0]) : [];
    if (q.addedFrom || q.addedTo) {
      const [from, to] = dayBounds(q.addedFrom, q.addedTo);
      const inStaff = scoped
        ? ` AND fa.staff_id IN (SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${placeholders(stores.length)}))`
        : "";
      const first = `c.id IN (SELECT fa.customer_id FROM follow_relations fa WHERE fa.status = 'active'${inStaff}
                               GROUP BY fa.customer_id HAVING MIN(fa.added_at) >= ? AND MIN(fa.added_at) < ?)`;
      if (scoped) add(first, ...stores, from, to);
      // HQ: a customer without any active relation counts from its creation
      else
        add(
          `(${first} OR (c.created_at >= ? AND c.created_at < ?
               AND (SELECT COUNT(*) FROM follow_relations fb WHERE fb.customer_id = c.id AND fb.status = 'active') = 0))`,
          from,
          to,
          from,
          to,
        );
    }
    if (q.boughtFrom || q.boughtTo) {
      const [from, to] = dayBounds(q.boughtFrom, q.boughtTo);
      member(
        "o.customer_id",
        "orders o",
        `o.status = 'paid' AND o.amount_cents - o.refund_cents > 0 AND o.paid_at >= ? AND o.paid_at < ?${
          scoped ? ` AND o.store_id IN (${placeholders(stores.length)})` : ""
        }`,
        [from, to, ...stores],
      );
    }
    if (q.q) {
      // "!" escapes LIKE wildcards on both databases (a backslash is read differently by each)
      const like = `%${q.q.replace(/[!%_]/g, (m) => `!${m}`)}%`;
      add(
        `(c.name LIKE ? ESCAPE '!' OR c.mobile = ? OR c.external_userid = ? OR c.member_no = ?
          OR EXISTS (SELECT 1 FROM follow_relations f WHERE f.customer_id = c.id AND f.remark LIKE ? ESCAPE '!'))`,
        like,
        q.q,
        q.q,
        q.q,
        like,
      );
    }
    return { sql: conds.length ? `WHERE ${conds.join(" AND ")}` : "", params };
  }

  async list(q: CustomerListQuery, user: UserView): Promise<Paged<CustomerListItem>> {
    const w = this.where(q, user);
    const tagsOnly = this.tagAnyOnly(q, user, w);
    // the probe form differs from the set form exactly when a membership condition is present
    const probe = this.where(q, user, "probe");
    const memberships = probe.sql !== w.sql;
    let set = this.plan(q, w);
    // figures and memberships together: the figures' indexes drive, the memberships are looked up
    if (set.id === "r.customer_id" && memberships) set = this.plan(q, this.where(q, user, "lookup"));
    // counting stops past TOTAL_CAP: an exact count of a broad filter at a million customers costs
    // a scan per request, while "10,000+" is all a paged table needs (segments count exactly).
    // The count and the page do not depend on each other: they run side by side.
    const [total, ids] = tagsOnly
      ? await Promise.all([this.tagAny.count(tagsOnly, this.totalCap), this.tagAny.pageIds(tagsOnly, q)])
      : await Promise.all([
          this.ds
            .query(`SELECT COUNT(*) AS n FROM (SELECT 1 AS x ${set.from} ${set.where} LIMIT ?) capped`, [
              ...set.params,
              this.totalCap + 1,
            ])
            .then((rows: { n: unknown }[]) => num(rows[0]?.n)),
          (memberships ? this.probePage(q, this.plan(q, probe)) : Promise.resolve(null)).then(
            (page) => page ?? this.pageIds(q, set),
          ),
        ]);
    const [rows, owners, tags] = await Promise.all([this.rowsOf(ids), this.ownersOf(ids), this.tagsOf(ids)]);
    const opt = (v: unknown) => (v === null || v === undefined ? null : num(v));
    return {
      page: q.page,
      pageSize: q.pageSize,
      total: Math.min(total, this.totalCap),
      totalCapped: total > this.totalCap,
      items: ids
        .filter((id) => rows.has(id))
        .map((id) => {
          const r = rows.get(id)!;
          return {
            id,
            externalUserid: (r.external_userid as string) ?? null,
            name: String(r.name),
            gender: num(r.gender),
            segment: (r.segment as string) ?? null,
            lifecycle: (r.lifecycle as string) ?? null,
            rScore: opt(r.r_score),
            fScore: opt(r.f_score),
            mScore: opt(r.m_score),
            recencyDays: opt(r.recency_days),
            frequency: opt(r.frequency),
            monetaryCents: opt(r.monetary_cents),
            lastPaidAt: readTime(r.last_paid_at)?.toISOString() ?? null,
            owners: owners.get(id) ?? [],
            tags: tags.get(id) ?? [],
          };
        }),
    };
  }

  /** The tags when the filter is "any of these tags" alone in id order (see TagAnyPage). */
  private tagAnyOnly(q: CustomerListQuery, user: UserView, w: { sql: string; params: unknown[] }): number[] | null {
    if ((q.sort !== "-id" && q.sort !== "id") || !q.tagsAny?.length) return null;
    const alone = this.where({ tagsAny: q.tagsAny }, user);
    const same = alone.sql === w.sql && JSON.stringify(alone.params) === JSON.stringify(w.params);
    return same && user.role !== "store_manager" ? [...new Set(q.tagsAny)] : null;
  }

  /**
   * The FROM a filter needs. customer_rfm is joined only where a condition or the order reads it
   * (MySQL drops an unused LEFT JOIN on a unique key by itself; SQLite does not). Where every
   * condition holds only for customers with figures and none reads a customer column, the query
   * starts from customer_rfm alone: one primary-key lookup per candidate instead of two.
   */
  private plan(q: CustomerListQuery, w: { sql: string; params: unknown[] }): ListPlan {
    const order = SORTS[q.sort];
    const readsRfm = /\br\./.test(w.sql) || /\br\./.test(order);
    const rfmOnly =
      /\br\./.test(w.sql) &&
      !/r\.customer_id IS NULL/.test(w.sql) &&
      !/\bc\.(?!id\b)/.test(w.sql + order) &&
      !w.sql.includes("EXISTS");
    if (rfmOnly) {
      const onRfm = (sql: string) => sql.replace(/\bc\.id\b/g, "r.customer_id");
      return {
        from: "FROM customer_rfm r",
        id: "r.customer_id",
        where: onRfm(w.sql),
        params: w.params,
        order: onRfm(order),
      };
    }
    return {
      from: readsRfm ? "FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id" : "FROM customers c",
      id: "c.id",
      where: w.sql,
      params: w.params,
      order,
    };
  }

  /**
   * The page's ids first, then their rows: the filter and the sort then touch only the narrow
   * index entries of every match instead of carrying whole rows through the join and the sort.
   */
  private async pageIds(q: CustomerListQuery, p: ListPlan): Promise<number[]> {
    const rows = await this.ds.query(`SELECT ${p.id} AS id ${p.from} ${p.where} ORDER BY ${p.order} LIMIT ? OFFSET ?`, [
      ...p.params,
      q.pageSize,
      (q.page - 1) * q.pageSize,
    ]);
    return rows.map((r: { id: unknown }) => num(r.id));
  }

  /**
   * A newest- (or oldest-) first page with membership conditions (store, owner, tags), read by
   * probing the customers at that end of the id range, at most a window's worth of them. A full
   * page inside the window is the page (no customer outside it can come first); otherwise null,
   * and the set form answers. The window bounds the work however the matches are spread.
   */
  private async probePage(q: CustomerListQuery, p: ListPlan): Promise<number[] | null> {
    if ((q.sort !== "-id" && q.sort !== "id") || p.id !== "c.id") return null;
    const offset = (q.page - 1) * q.pageSize;
    // enough for a page of matches as rare as 1 in 100
    const window = Math.min(this.probeWindow, (offset + q.pageSize) * 100);
    const [range] = await this.ds.query("SELECT MIN(id) AS lo, MAX(id) AS hi FROM customers");
    if (range?.hi === null || range?.hi === undefined) return [];
    const [lo, hi] = [num(range.lo), num(range.hi)];
    const bound = q.sort === "-id" ? "c.id >= ?" : "c.id <= ?";
    const edge = q.sort === "-id" ? hi - window + 1 : lo + window - 1;
    const rows = await this.ds.query(
      `SELECT c.id ${p.from} ${p.where} AND ${bound} ORDER BY ${p.order} LIMIT ? OFFSET ?`,
      [...p.params, edge, q.pageSize, offset],
    );
    const whole = window >= hi - lo + 1;
    return rows.length === q.pageSize || whole ? rows.map((r: { id: unknown }) => num(r.id)) : null;
  }

  private async rowsOf(ids: number[]): Promise<Map<number, Record<string, unknown>>> {
    if (!ids.length) return new Map();
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT c.id, c.external_userid, c.name, c.gender, r.segment, r.lifecycle, r.r_score, r.f_score, r.m_score,
              r.recency_days, r.frequency, r.monetary_cents, r.last_paid_at
         FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id WHERE c.id IN (${placeholders(ids.length)})`,
      ids,
    );
    return new Map(rows.map((r) => [num(r.id), r]));
  }

  /** 404 unless the customer exists and is in the user's scope (as if it did not exist). */
  async assertVisible(customerId: number, user: UserView): Promise<void> {
    const { sql, params } = this.where({}, user);
    const cond = sql ? `${sql} AND c.id = ?` : "WHERE c.id = ?";
    const rows = await this.ds.query(
      `SELECT c.id FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id ${cond}`,
      [...params, customerId],
    );
    if (!rows.length) throw new NotFoundError("No such customer");
  }

  async profile(customerId: number, user: UserView) {
    await this.assertVisible(customerId, user);
    const [c] = await this.ds.query(
      `SELECT c.id, c.external_userid, c.name, c.avatar, c.gender, c.type, c.unionid, c.mobile, c.member_no, c.corp_name, c.source,
              c.do_not_disturb, c.created_at, r.segment, r.lifecycle, r.r_score, r.f_score, r.m_score, r.recency_days, r.frequency,
              r.monetary_cents, r.first_paid_at, r.last_paid_at, r.computation_id
         FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id WHERE c.id = ?`,
      [customerId],
    );
    const follows = await this.ds.query(
      `SELECT s.userid, s.name AS staff_name, f.remark, f.description, f.state, f.add_way, f.status, f.added_at, f.ended_at
         FROM follow_relations f JOIN staff s ON s.id = f.staff_id WHERE f.customer_id = ? ORDER BY f.added_at`,
      [customerId],
    );
    const orders = await this.ds.query(
      `SELECT order_no, paid_at, amount_cents, refund_cents, status, store_code FROM orders WHERE customer_id = ? ORDER BY paid_at DESC LIMIT 50`,
      [customerId],
    );
    const [totals] = await this.ds.query(
      `SELECT COUNT(*) AS n, COALESCE(SUM(amount_cents - refund_cents), 0) AS net FROM orders WHERE customer_id = ? AND status = 'paid'`,
      [customerId],
    );
    const history = await this.ds.query(
      `SELECT h.kind, h.from_value, h.to_value, h.as_of, h.actor, t.name AS tag_name FROM tag_history h
         LEFT JOIN tags t ON t.id = h.tag_id WHERE h.customer_id = ? ORDER BY h.id DESC LIMIT 50`,
      [customerId],
    );
    const groups = await this.ds.query(
      `SELECT g.id, g.chat_id, g.name, m.joined_at, m.last_message_at, m.message_count FROM group_members m
         JOIN customer_groups g ON g.id = m.group_id WHERE m.customer_id = ? AND m.left_at IS NULL AND g.status = 'active'`,
      [customerId],
    );
    const notes = await this.ds.query(
      `SELECT n.id, n.body, n.created_at, s.name AS staff_name FROM customer_notes n LEFT JOIN staff s ON s.id = n.staff_id
        WHERE n.customer_id = ? ORDER BY n.id DESC LIMIT 50`,
      [customerId],
    );
    // frequency and spend over time: paid orders and net amount per month (UTC), the latest 36 months
    const month = monthOf(dialectOf(this.ds), "paid_at");
    const monthly = await this.ds.query(
      `SELECT ${month} AS month, COUNT(*) AS n, SUM(amount_cents - refund_cents) AS net FROM orders
        WHERE customer_id = ? AND status = 'paid' GROUP BY ${month} ORDER BY month DESC LIMIT 36`,
      [customerId],
    );
    // outreach history: the campaign targets this customer was (control group included)
    const outreach = await this.ds.query(
      `SELECT t.campaign_id, ca.name AS campaign_name, ca.channel, t.status, t.is_control, t.reason,
              s.name AS staff_name, t.created_at, t.sent_at, t.converted_at, t.revenue_cents
         FROM targets t JOIN campaigns ca ON ca.id = t.campaign_id LEFT JOIN staff s ON s.id = t.staff_id
        WHERE t.customer_id = ? ORDER BY t.id DESC LIMIT 50`,
      [customerId],
    );
    const t = (v: unknown) => readTime(v)?.toISOString() ?? null;
    const opt = (v: unknown) => (v === null || v === undefined ? null : num(v));
    return {
      customer: {
        id: Number(c.id),
        externalUserid: c.external_userid,
        name: c.name,
        avatar: c.avatar,
        gender: num(c.gender),
        type: num(c.type),
        unionid: c.unionid,
        mobile: c.mobile,
        memberNo: c.member_no,
        corpName: c.corp_name,
        source: c.source,
        doNotDisturb: Boolean(num(c.do_not_disturb)),
        createdAt: t(c.created_at),
      },
      rfm: c.lifecycle
        ? {
            segment: c.segment,
            lifecycle: c.lifecycle,
            rScore: opt(c.r_score),
            fScore: opt(c.f_score),
            mScore: opt(c.m_score),
            recencyDays: opt(c.recency_days),
            frequency: opt(c.frequency),
            monetaryCents: opt(c.monetary_cents),
            firstPaidAt: t(c.first_paid_at),
            lastPaidAt: t(c.last_paid_at),
            computationId: opt(c.computation_id),
          }
        : null,
      followRelations: follows.map((f: Record<string, unknown>) => ({
        userid: f.userid,
        staffName: f.staff_name,
        remark: f.remark,
        description: f.description,
        state: f.state,
        addWay: num(f.add_way),
        status: f.status,
        addedAt: t(f.added_at),
        endedAt: t(f.ended_at),
      })),
      orders: {
        paidCount: num(totals?.n),
        netCents: num(totals?.net),
        recent: orders.map((o: Record<string, unknown>) => ({
          orderNo: o.order_no,
          paidAt: t(o.paid_at),
          amountCents: num(o.amount_cents),
          refundCents: num(o.refund_cents),
          status: o.status,
          storeCode: o.store_code,
        })),
      },
      tags: (await this.tagsOf([customerId])).get(customerId) ?? [],
      tagHistory: history.map((h: Record<string, unknown>) => ({
        kind: h.kind,
        from: h.from_value,
        to: h.to_value,
        tag: h.tag_name,
        asOf: t(h.as_of),
        actor: h.actor,
      })),
      groups: groups.map((g: Record<string, unknown>) => ({
        id: num(g.id),
        chatId: g.chat_id,
        name: g.name,
        joinedAt: t(g.joined_at),
        lastMessageAt: t(g.last_message_at),
        messageCount: num(g.message_count),
      })),
      notes: notes.map((n: Record<string, unknown>) => ({
        id: num(n.id),
        body: n.body,
        createdAt: t(n.created_at),
        staffName: n.staff_name,
      })),
      monthly: monthly
        .map((m: Record<string, unknown>) => ({ month: m.month, orders: num(m.n), netCents: num(m.net) }))
        .reverse(),
      outreach: outreach.map((o: Record<string, unknown>) => ({
        campaignId: num(o.campaign_id),
        campaignName: o.campaign_name,
        channel: o.channel,
        status: o.status,
        isControl: Boolean(num(o.is_control)),
        reason: o.reason ?? null,
        staffName: o.staff_name ?? null,
        createdAt: t(o.created_at),
        sentAt: t(o.sent_at),
        convertedAt: t(o.converted_at),
        revenueCents: num(o.revenue_cents),
      })),
    };
  }

  async ownersOf(ids: number[]): Promise<Map<number, { userid: string; name: string }[]>> {
    const out = new Map<number, { userid: string; name: string }[]>();
    if (!ids.length) return out;
    const rows: { customer_id: unknown; userid: string; name: string }[] = await this.ds.query(
      `SELECT f.customer_id, s.userid, s.name FROM follow_relations f JOIN staff s ON s.id = f.staff_id
        WHERE f.status = 'active' AND f.customer_id IN (${placeholders(ids.length)}) ORDER BY f.added_at, f.id`,
      ids,
    );
    for (const r of rows) {
      const id = num(r.customer_id);
      if (!out.has(id)) out.set(id, []);
      out.get(id)!.push({ userid: r.userid, name: r.name });
    }
    return out;
  }

  async tagsOf(ids: number[]): Promise<Map<number, { id: number; name: string; source: string }[]>> {
    const out = new Map<number, { id: number; name: string; source: string }[]>();
    if (!ids.length) return out;
    const rows: { customer_id: unknown; id: unknown; name: string; source: string }[] = await this.ds.query(
      `SELECT ct.customer_id, t.id, t.name, t.source FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE t.deleted_at IS NULL AND ct.customer_id IN (${placeholders(ids.length)}) ORDER BY t.group_id, t.sort, t.id`,
      ids,
    );
    for (const r of rows) {
      const id = num(r.customer_id);
      if (!out.has(id)) out.set(id, []);
      out.get(id)!.push({ id: num(r.id), name: r.name, source: r.source });
    }
    return out;
  }
}

/** `[from, to]` business days (China, UTC+8; either may be open) as UTC bounds `[start, end)`. */
function dayBounds(from: string | undefined, to: string | undefined): [string, string] {
  const start = (d: string) => new Date(`${d}T00:00:00+08:00`);
  return [
    sqlTime(from ? start(from) : new Date(0)),
    sqlTime(to ? new Date(start(to).getTime() + 86_400_000) : new Date(Date.UTC(9999, 0, 1))),
  ];
}
