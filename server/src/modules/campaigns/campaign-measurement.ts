import type { DataSource } from "typeorm";
import { num, sqlTime } from "../../db/dialect.ts";
import type { Campaign } from "./campaign.entity.ts";

export interface Rates {
  targets: number;
  sent: number;
  sendRate: number;
  converted: number;
  conversionRate: number;
  revenueCents: number;
}

export interface Comparison {
  /** treated (or variant) group: customers and how many bought in the measurement period */
  a: { label: string; n: number; buyers: number; rate: number };
  b: { label: string; n: number; buyers: number; rate: number };
  /** a.rate - b.rate, with its 95 % confidence interval (two-proportion normal approximation) */
  difference: number;
  ci95: [number, number];
}

export interface CampaignMeasurement {
  campaignId: number;
  period: { from: string; to: string };
  total: Rates;
  byStore: (Rates & { storeId: number; storeName: string })[];
  byStaff: (Rates & { staffId: number; userid: string; name: string })[];
  uplift: Comparison | null;
  variants: Comparison[];
}

const Z95 = 1.959963984540054;

/** Difference of two proportions with the normal-approximation 95 % interval. */
export function compareProportions(a: Comparison["a"], b: Comparison["b"]): Comparison {
  const diff = a.rate - b.rate;
  const se = a.n && b.n ? Math.sqrt((a.rate * (1 - a.rate)) / a.n + (b.rate * (1 - b.rate)) / b.n) : NaN;
  return { a, b, difference: diff, ci95: [diff - Z95 * se, diff + Z95 * se] };
}

const rate = (x: number, n: number) => (n ? x / n : 0);
const rates = (r: Record<string, unknown>): Rates => {
  const targets = num(r.targets),
    sent = num(r.sent),
    converted = num(r.converted);
  return {
    targets,
    sent,
    sendRate: rate(sent, targets),
    converted,
    conversionRate: rate(converted, sent),
    revenueCents: num(r.revenue),
  };
};

/**
 * How a campaign did (tasks.md "Measuring a campaign"): targets, sent, send rate, converted,
 * conversion rate and revenue for the whole campaign, per store and per staff member; the uplift
 * of the treated group (every assigned customer, contacted or not) over the holdout, counting a
 * customer as a buyer when they placed a qualifying order between the campaign's start and its
 * deadline plus the conversion window; and A/B variants compared the same way.
 */
export class CampaignMeasurementService {
  constructor(private readonly ds: DataSource) {}

  async measure(c: Campaign): Promise<CampaignMeasurement> {
    const to = new Date(c.deadlineAt.getTime() + c.conversionWindowDays * 86_400_000);
    const counts = `COUNT(*) AS targets,
      SUM(CASE WHEN t.status IN ('sent', 'converted') THEN 1 ELSE 0 END) AS sent,
      SUM(CASE WHEN t.status = 'converted' THEN 1 ELSE 0 END) AS converted,
      COALESCE(SUM(CASE WHEN t.status = 'converted' THEN t.revenue_cents ELSE 0 END), 0) AS revenue`;
    const treated = "t.campaign_id = ? AND t.is_control = 0";
    const [total] = await this.ds.query(`SELECT ${counts} FROM targets t WHERE ${treated}`, [c.id]);
    const byStore: Record<string, unknown>[] = await this.ds.query(
      `SELECT st.id AS store_id, st.name AS store_name, ${counts} FROM targets t
         JOIN staff_stores ss ON ss.staff_id = t.staff_id JOIN stores st ON st.id = ss.store_id
        WHERE ${treated} GROUP BY st.id, st.name ORDER BY st.id`,
      [c.id],
    );
    const byStaff: Record<string, unknown>[] = await this.ds.query(
      `SELECT s.id AS staff_id, s.userid, s.name, ${counts} FROM targets t JOIN staff s ON s.id = t.staff_id
        WHERE ${treated} GROUP BY s.id, s.userid, s.name ORDER BY s.userid`,
      [c.id],
    );
    // buyers per group: a qualifying order inside the measurement period
    const groups: Record<string, unknown>[] = await this.ds.query(
      `SELECT t.is_control, t.variant, COUNT(*) AS n,
              SUM(CASE WHEN EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = t.customer_id AND o.status = 'paid'
                                      AND o.amount_cents - o.refund_cents > 0 AND o.paid_at >= ? AND o.paid_at <= ?)
                       THEN 1 ELSE 0 END) AS buyers
         FROM targets t WHERE t.campaign_id = ? AND t.customer_id IS NOT NULL GROUP BY t.is_control, t.variant`,
      [sqlTime(c.startAt), sqlTime(to), c.id],
    );
    const group = (label: string, rows: Record<string, unknown>[]) => {
      const n = rows.reduce((a, r) => a + num(r.n), 0);
      const buyers = rows.reduce((a, r) => a + num(r.buyers), 0);
      return { label, n, buyers, rate: rate(buyers, n) };
    };
    const isControl = (r: Record<string, unknown>) => Boolean(num(r.is_control));
    const treatedGroup = group(
      "treated",
      groups.filter((r) => !isControl(r)),
    );
    const controlGroup = group("holdout", groups.filter(isControl));
    const variantNames = [
      ...new Set(groups.filter((r) => !isControl(r) && r.variant).map((r) => String(r.variant))),
    ].sort();
    const variants: Comparison[] = [];
    for (let i = 1; i < variantNames.length; i++) {
      const of = (v: string) =>
        group(
          v,
          groups.filter((r) => !isControl(r) && r.variant === v),
        );
      variants.push(compareProportions(of(variantNames[i]!), of(variantNames[0]!)));
    }
    return {
      campaignId: c.id,
      period: { from: c.startAt.toISOString(), to: to.toISOString() },
      total: rates(total ?? {}),
      byStore: byStore.map((r) => ({ storeId: num(r.store_id), storeName: String(r.store_name), ...rates(r) })),
      byStaff: byStaff.map((r) => ({
        staffId: num(r.staff_id),
        userid: String(r.userid),
        name: String(r.name),
        ...rates(r),
      })),
      uplift: controlGroup.n ? compareProportions(treatedGroup, controlGroup) : null,
      variants,
    };
  }
}
