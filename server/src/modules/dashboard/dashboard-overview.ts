import type { DataSource } from "typeorm";
import { dialectOf, localDayOf, num, placeholders, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from "../tags/system-tags.ts";
import {
  dayNumber,
  dayOfInstant,
  dayStart,
  dayString,
  type DashboardOverview,
  type GroupActivitySeries,
  type OverviewQuery,
  type Period,
  type StaffRate,
  type TaskTrendDay,
} from "./dashboard.schemas.ts";

const DEFAULT_DAYS = 30;
const RANK_SIZE = 5;

/** The period's bounds as UTC instants: [start, end). */
interface Bounds {
  period: Period;
  start: string;
  end: string;
}

/**
 * The dashboard for a chosen period, set-based: every figure is one aggregate query (or a few),
 * grouped by day in the database, never a loop over customers or targets in Node. A store
 * manager's figures cover their stores: customers followed by their staff, orders of their
 * stores, targets and tasks of their staff, groups owned by their staff.
 */
export class DashboardOverviewService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async overview(user: UserView, q: OverviewQuery): Promise<DashboardOverview> {
    const to = q.to ? dayNumber(q.to) : dayOfInstant(this.clock.now());
    const from = q.from ? dayNumber(q.from) : to - DEFAULT_DAYS + 1;
    const days = to - from + 1;
    const cur = bounds(from, to);
    const prev = bounds(from - days, from - 1);
    const scope = new Scope(user);
    const [customers, orders, lifecycle, segments, taskTrend, groupActivity, staff] = await Promise.all([
      this.customerKpis(scope, cur, prev),
      this.orderKpis(scope, cur, prev),
      this.rfmCounts(scope, "lifecycle"),
      this.rfmCounts(scope, "segment"),
      this.taskTrend(scope, cur, from, to),
      this.groupActivity(scope, from, to),
      this.staffRates(scope, cur),
    ]);
    return {
      period: cur.period,
      previous: prev.period,
      kpis: { ...customers, ...orders },
      lifecycle: LIFECYCLE_STAGES.map((s) => ({ stage: s.key, count: lifecycle.get(s.key) ?? 0 })),
      segments: RFM_SEGMENTS.map((s) => ({ key: s.key, count: segments.get(s.key) ?? 0 })),
      taskTrend,
      groupActivity,
      staff: {
        byCompletion: rank(
          staff.filter((s) => s.targets > 0),
          (s) => s.completionRate,
          (s) => s.targets,
        ),
        byConversion: rank(
          staff.filter((s) => s.sent > 0),
          (s) => s.conversionRate,
          (s) => s.sent,
        ),
      },
    };
  }

  /**
   * A customer counts from its first active follow relation (in scope); for HQ a customer with no
   * relation (imported only) counts from its creation, as the summary counts every customer.
   */
  private async customerKpis(scope: Scope, cur: Bounds, prev: Bounds) {
    const firstSeen = scope.scoped
      ? `SELECT fr.customer_id, MIN(fr.added_at) AS first_at FROM follow_relations fr
          WHERE fr.status = 'active' AND fr.staff_id IN (${scope.staffSql}) GROUP BY fr.customer_id`
      : `SELECT c.id AS customer_id, COALESCE(MIN(fr.added_at), c.created_at) AS first_at
           FROM customers c LEFT JOIN follow_relations fr ON fr.customer_id = c.id AND fr.status = 'active'
          GROUP BY c.id, c.created_at`;
    const [row] = await this.ds.query(
      `SELECT SUM(CASE WHEN f.first_at < ? THEN 1 ELSE 0 END) AS total_now,
              SUM(CASE WHEN f.first_at < ? THEN 1 ELSE 0 END) AS total_prev,
              SUM(CASE WHEN f.first_at >= ? AND f.first_at < ? THEN 1 ELSE 0 END) AS new_now,
              SUM(CASE WHEN f.first_at >= ? AND f.first_at < ? THEN 1 ELSE 0 END) AS new_prev
         FROM (${firstSeen}) f`,
      [cur.end, prev.end, cur.start, cur.end, prev.start, prev.end, ...scope.params],
    );
    return {
      customers: { value: num(row?.total_now), previous: num(row?.total_prev) },
      newCustomers: { value: num(row?.new_now), previous: num(row?.new_prev) },
    };
  }

  /** Paid orders and their net revenue; active customers are those with a qualifying order (rfm.md). */
  private async orderKpis(scope: Scope, cur: Bounds, prev: Bounds) {
    const rows: { p: string; orders: unknown; revenue: unknown; active: unknown }[] = await this.ds.query(
      `SELECT CASE WHEN o.paid_at >= ? THEN 'cur' ELSE 'prev' END AS p,
              COUNT(*) AS orders,
              SUM(o.amount_cents - o.refund_cents) AS revenue,
              COUNT(DISTINCT CASE WHEN o.amount_cents - o.refund_cents > 0 THEN o.customer_id END) AS active
         FROM orders o
        WHERE o.status = 'paid' AND o.paid_at >= ? AND o.paid_at < ?${scope.scoped ? ` AND o.store_id IN (${scope.storesSql})` : ""}
        GROUP BY p`,
      [cur.start, prev.start, cur.end, ...scope.storeParams],
    );
    const of = (p: string) => rows.find((r) => r.p === p);
    const kpi = (key: "orders" | "revenue" | "active") => ({
      value: num(of("cur")?.[key]),
      previous: num(of("prev")?.[key]),
    });
    return { activeCustomers: kpi("active"), orders: kpi("orders"), revenueCents: kpi("revenue") };
  }

  /** Current segment or lifecycle counts (the latest computation's customer_rfm). */
  private async rfmCounts(scope: Scope, column: "segment" | "lifecycle"): Promise<Map<string, number>> {
    const rows: { v: string; n: unknown }[] = await this.ds.query(
      `SELECT r.${column} AS v, COUNT(*) AS n FROM customer_rfm r
        WHERE r.${column} IS NOT NULL${scope.scoped ? ` AND r.customer_id IN (${scope.customersSql})` : ""}
        GROUP BY r.${column}`,
      scope.params,
    );
    return new Map(rows.map((r) => [r.v, num(r.n)]));
  }

  /** Per day: targets of tasks due that day (and how many are done), targets sent that day (and converted). */
  private async taskTrend(scope: Scope, cur: Bounds, from: number, to: number): Promise<TaskTrendDay[]> {
    const d = dialectOf(this.ds);
    const due: { day: string; targets: unknown; completed: unknown }[] = await this.ds.query(
      `SELECT ${localDayOf(d, "k.due_at")} AS day, SUM(k.targets_total) AS targets,
              SUM(k.targets_total - k.targets_pending) AS completed
         FROM tasks k
        WHERE k.due_at >= ? AND k.due_at < ?${scope.scoped ? ` AND k.staff_id IN (${scope.staffSql})` : ""}
        GROUP BY ${localDayOf(d, "k.due_at")}`,
      [cur.start, cur.end, ...scope.params],
    );
    const sent: { day: string; sent: unknown; converted: unknown }[] = await this.ds.query(
      `SELECT ${localDayOf(d, "t.sent_at")} AS day, COUNT(*) AS sent,
              SUM(CASE WHEN t.status = 'converted' THEN 1 ELSE 0 END) AS converted
         FROM targets t
        WHERE t.sent_at >= ? AND t.sent_at < ? AND t.is_control = 0${scope.scoped ? ` AND t.staff_id IN (${scope.staffSql})` : ""}
        GROUP BY ${localDayOf(d, "t.sent_at")}`,
      [cur.start, cur.end, ...scope.params],
    );
    const dueBy = new Map(due.map((r) => [r.day, r]));
    const sentBy = new Map(sent.map((r) => [r.day, r]));
    return eachDay(from, to).map((day) => ({
      day,
      targets: num(dueBy.get(day)?.targets),
      completed: num(dueBy.get(day)?.completed),
      sent: num(sentBy.get(day)?.sent),
      converted: num(sentBy.get(day)?.converted),
    }));
  }

  /**
   * Messages and active members per day and source (the group bot's count or WeCom's statistic),
   * summed over the groups in scope; a member active in two groups counts in both.
   */
  private async groupActivity(scope: Scope, from: number, to: number): Promise<GroupActivitySeries[]> {
    const rows: { day: string; source: string; messages: unknown; active: unknown }[] = await this.ds.query(
      `SELECT a.day, a.source, SUM(a.messages) AS messages, SUM(a.active_members) AS active
         FROM group_activity_daily a
         ${scope.scoped ? `JOIN customer_groups g ON g.id = a.group_id AND g.owner_staff_id IN (${scope.staffSql})` : ""}
        WHERE a.day >= ? AND a.day <= ?
        GROUP BY a.day, a.source`,
      [...scope.params, dayString(from), dayString(to)],
    );
    return (["bot", "wecom"] as const)
      .filter((source) => rows.some((r) => r.source === source))
      .map((source) => {
        const by = new Map(rows.filter((r) => r.source === source).map((r) => [r.day, r]));
        return {
          source,
          days: eachDay(from, to).map((day) => ({
            day,
            messages: num(by.get(day)?.messages),
            activeMembers: num(by.get(day)?.active),
          })),
        };
      });
  }

  /**
   * Per staff member, over the targets assigned to them in the period (running campaigns count:
   * their targets are the staff member's work so far).
   */
  private async staffRates(scope: Scope, cur: Bounds): Promise<StaffRate[]> {
    const rows: { id: unknown; userid: string; name: string; targets: unknown; sent: unknown; converted: unknown }[] =
      await this.ds.query(
        `SELECT s.id, s.userid, s.name, COUNT(*) AS targets,
                SUM(CASE WHEN t.status IN ('sent', 'converted') THEN 1 ELSE 0 END) AS sent,
                SUM(CASE WHEN t.status = 'converted' THEN 1 ELSE 0 END) AS converted
           FROM targets t
           JOIN staff s ON s.id = t.staff_id
          WHERE t.created_at >= ? AND t.created_at < ? AND t.is_control = 0${scope.scoped ? ` AND t.staff_id IN (${scope.staffSql})` : ""}
          GROUP BY s.id, s.userid, s.name`,
        [cur.start, cur.end, ...scope.params],
      );
    return rows.map((r) => {
      const targets = num(r.targets);
      const sent = num(r.sent);
      const converted = num(r.converted);
      return {
        staffId: num(r.id),
        userid: r.userid,
        name: r.name,
        targets,
        sent,
        converted,
        completionRate: ratio(sent, targets),
        conversionRate: ratio(converted, sent),
      };
    });
  }
}

/** A store manager's stores as SQL: their staff, the customers those staff follow. */
class Scope {
  readonly scoped: boolean;
  /** the store ids, bound once per IN list below (empty for HQ) */
  readonly params: number[];
  readonly storeParams: number[];
  readonly storesSql: string;
  readonly staffSql: string;
  readonly customersSql: string;
  constructor(user: UserView) {
    this.scoped = user.role === "store_manager";
    // a store manager without stores sees nothing (the IN list holds an id no store has)
    const ids = this.scoped ? (user.storeIds.length ? user.storeIds : [0]) : [];
    this.params = this.storeParams = ids;
    this.storesSql = placeholders(ids.length);
    this.staffSql = `SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${this.storesSql})`;
    this.customersSql = `SELECT sf.customer_id FROM follow_relations sf WHERE sf.status = 'active' AND sf.staff_id IN (${this.staffSql})`;
  }
}

function bounds(from: number, to: number): Bounds {
  return {
    period: { from: dayString(from), to: dayString(to), days: to - from + 1 },
    start: sqlTime(dayStart(from)),
    end: sqlTime(dayStart(to + 1)),
  };
}

function eachDay(from: number, to: number): string[] {
  return Array.from({ length: to - from + 1 }, (_, i) => dayString(from + i));
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : 0);

/** Best and worst few by a rate (ties: more work first, then name); nobody is in both lists. */
function rank(
  rows: StaffRate[],
  rate: (s: StaffRate) => number,
  volume: (s: StaffRate) => number,
): { top: StaffRate[]; bottom: StaffRate[] } {
  const sorted = [...rows].sort(
    (a, b) => rate(b) - rate(a) || volume(b) - volume(a) || a.userid.localeCompare(b.userid),
  );
  const top = sorted.slice(0, RANK_SIZE);
  const bottom = sorted.slice(RANK_SIZE).reverse().slice(0, RANK_SIZE);
  return { top, bottom };
}
