import type { DataSource } from "typeorm";
import type { UserView } from "../auth/auth.schemas.ts";
import { dialectOf, monthOf, num, placeholders, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";

export interface DashboardSummary {
  customers: number;
  followRelations: number;
  orders: number;
  revenueCents: number;
  groups: number;
  groupMembers: number;
  staff: number;
  stores: number;
  segments: { key: string; count: number }[];
  ordersByMonth: { month: string; orders: number; revenueCents: number }[];
}

/**
 * The first dashboard: counts of the corp, or of a store manager's stores. A store's customers are
 * those with an active follow relation to one of its staff; its orders carry its store id.
 */
export class DashboardService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async summary(user: UserView): Promise<DashboardSummary> {
    const scoped = user.role === "store_manager";
    const stores = user.storeIds;
    const inStores = placeholders(stores.length);
    const staffInScope = scoped ? `SELECT staff_id FROM staff_stores WHERE store_id IN (${inStores})` : "";
    const p = scoped ? stores : [];
    const one = async (sql: string, params: unknown[] = p) => num((await this.ds.query(sql, params))[0]?.n);

    const customers = scoped
      ? await one(
          `SELECT COUNT(DISTINCT customer_id) AS n FROM follow_relations WHERE status = 'active' AND staff_id IN (${staffInScope})`,
        )
      : await one("SELECT COUNT(*) AS n FROM customers", []);
    const followRelations = await one(
      `SELECT COUNT(*) AS n FROM follow_relations WHERE status = 'active'${scoped ? ` AND staff_id IN (${staffInScope})` : ""}`,
    );
    const orderScope = scoped ? ` AND store_id IN (${inStores})` : "";
    const orderRow = (
      await this.ds.query(
        `SELECT COUNT(*) AS n, COALESCE(SUM(amount_cents - refund_cents), 0) AS revenue FROM orders WHERE status = 'paid'${orderScope}`,
        p,
      )
    )[0];
    const groupScope = scoped ? ` AND owner_staff_id IN (${staffInScope})` : "";
    const groups = await one(`SELECT COUNT(*) AS n FROM customer_groups WHERE status = 'active'${groupScope}`);
    const groupMembers = await one(
      `SELECT COUNT(*) AS n FROM group_members m JOIN customer_groups g ON g.id = m.group_id
        WHERE m.left_at IS NULL AND g.status = 'active'${groupScope}`,
    );
    const staff = scoped
      ? await one(`SELECT COUNT(DISTINCT staff_id) AS n FROM staff_stores WHERE store_id IN (${inStores})`)
      : await one("SELECT COUNT(*) AS n FROM staff WHERE status = 'active'", []);
    const storeCount = scoped ? stores.length : await one("SELECT COUNT(*) AS n FROM stores", []);

    const segmentRows: { segment: string; n: unknown }[] = await this.ds.query(
      `SELECT segment, COUNT(*) AS n FROM customer_rfm WHERE segment IS NOT NULL${
        scoped
          ? ` AND customer_id IN (SELECT customer_id FROM follow_relations WHERE status = 'active' AND staff_id IN (${staffInScope}))`
          : ""
      } GROUP BY segment ORDER BY segment`,
      p,
    );

    const since = new Date(this.clock.now());
    since.setUTCDate(1);
    since.setUTCHours(0, 0, 0, 0);
    since.setUTCMonth(since.getUTCMonth() - 11);
    const month = monthOf(dialectOf(this.ds), "paid_at");
    const monthRows: { month: string; n: unknown; revenue: unknown }[] = await this.ds.query(
      `SELECT ${month} AS month, COUNT(*) AS n, SUM(amount_cents - refund_cents) AS revenue
         FROM orders WHERE status = 'paid' AND paid_at >= ?${orderScope}
        GROUP BY ${month} ORDER BY month`,
      [sqlTime(since), ...p],
    );

    return {
      customers,
      followRelations,
      orders: num(orderRow?.n),
      revenueCents: num(orderRow?.revenue),
      groups,
      groupMembers,
      staff,
      stores: storeCount,
      segments: segmentRows.map((r) => ({ key: r.segment, count: num(r.n) })),
      ordersByMonth: monthRows.map((r) => ({ month: r.month, orders: num(r.n), revenueCents: num(r.revenue) })),
    };
  }
}
