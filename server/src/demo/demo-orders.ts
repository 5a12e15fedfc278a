import { compactDate, DAY_MS, dayStart, demand, localDay, orderHour, promoDay, timeOnDay } from "./calendar.ts";
import type { DemoCorp, DemoCustomer, DemoFrame } from "./demo-corp.ts";
import { createRng, Cumulative, type Rng } from "./random.ts";
import type { OrderStatus } from "../modules/orders/order.entity.ts";

export interface DemoOrder {
  id: number;
  orderNo: string;
  customerRef: string;
  customerId: number;
  paidAt: number;
  amountCents: number;
  refundCents: number;
  status: OrderStatus;
  storeCode: string;
  storeId: number;
  createdAt: number;
  updatedAt: number;
}

/** Shelf prices in yuan: a mid-range apparel and accessories brand. */
const PRICE_POINTS = [
  39, 59, 69, 79, 99, 119, 129, 159, 199, 229, 259, 299, 339, 399, 459, 499, 599, 699, 799, 899, 999, 1199, 1299, 1599,
  1999, 2399, 2999,
];

function shelfPrice(yuan: number): number {
  let best = PRICE_POINTS[0];
  for (const p of PRICE_POINTS) if (Math.abs(Math.log(p / yuan)) < Math.abs(Math.log(best / yuan))) best = p;
  return best;
}

/** One basket in integer cents: a few items at shelf prices, then a promotion or a coupon. */
function basketCents(rng: Rng, c: DemoCustomer, day: number): number {
  const items = rng.weighted([1, 2, 3, 4, 5], [60, 24, 10, 4, 2]);
  let yuan = 0;
  for (let i = 0; i < items; i++) yuan += shelfPrice(rng.logNormal(Math.log(230), 0.6) * c.basket);
  let cents = yuan * 100;
  const d = new Date(day * DAY_MS);
  const festival = promoDay(day) !== null || (d.getUTCMonth() === 10 && d.getUTCDate() <= 11);
  if (festival && rng.chance(0.7))
    cents -= Math.floor(yuan / 300) * 4000; // 满300减40
  else if (c.memberNo && rng.chance(0.35))
    cents = Math.round(cents * 0.95); // member price
  else if (rng.chance(0.18)) cents = Math.round(cents * rng.pick([0.9, 0.88, 0.85, 0.8]));
  return Math.max(cents, 990);
}

/** Order demand per history day: seasonal and growing with the brand; today only as far as it went. */
function orderWeights(frame: DemoFrame): Cumulative {
  const weights = new Float64Array(frame.today - frame.firstDay + 1);
  for (let i = 0; i < weights.length; i++)
    weights[i] = demand(frame.firstDay + i) * (0.75 + 0.5 * (i / weights.length));
  weights[weights.length - 1] *= (frame.now - dayStart(frame.today)) / DAY_MS;
  return new Cumulative(weights);
}

/**
 * Exactly `total` orders (fewer only when there are no buyers): every buyer gets one, the rest go
 * to buyers in proportion to their propensity times the seasonal demand of their active months.
 */
export function generateOrders(frame: DemoFrame, corp: DemoCorp, total: number): DemoOrder[] {
  const rng = createRng(frame.seed, "orders");
  const days = orderWeights(frame);
  const lastIndex = frame.today - frame.firstDay;
  const dayIndex = (ms: number) => Math.min(Math.max(localDay(ms) - frame.firstDay, 0), lastIndex);
  const buyers = corp.customers.filter((c) => c.buyer).slice(0, total);
  if (!buyers.length) return [];

  const counts = new Array<number>(buyers.length).fill(1);
  const weights = buyers.map((c) => c.propensity * days.mass(dayIndex(c.activeFrom), dayIndex(c.activeUntil) + 1));
  const byBuyer = new Cumulative(weights);
  for (let n = buyers.length; n < total; n++) counts[byBuyer.sample(rng)]++;

  const lastSecond = Math.floor((frame.now - 1) / 1000) * 1000;
  const stores = new Map(corp.stores.map((s) => [s.id, s]));
  const drafts: Omit<DemoOrder, "id" | "orderNo">[] = [];
  buyers.forEach((c, b) => {
    const store = stores.get(c.storeId)!;
    const online = c.propensity > 1 ? 0.2 : 0.1;
    const times: number[] = [];
    for (let k = 0; k < counts[b]; k++) times.push(orderTime(rng, frame, days, c, k === 0, online, dayIndex));
    for (const paidAt of times) {
      const day = localDay(paidAt);
      const amountCents = basketCents(rng, c, day);
      const roll = rng.next();
      const status: OrderStatus = roll < 0.01 ? "cancelled" : roll < 0.04 ? "refunded" : "paid";
      const refundCents =
        status === "refunded"
          ? amountCents
          : status === "paid" && roll < 0.06
            ? Math.max(1, Math.min(amountCents - 1, Math.round((amountCents * rng.int(10, 60)) / 100)))
            : 0;
      const createdAt = Math.min(paidAt + rng.int(2, 900) * 1000, lastSecond);
      const changed = refundCents > 0 || status === "cancelled";
      const updatedAt = changed
        ? Math.max(createdAt, Math.min(paidAt + rng.int(1, 15) * DAY_MS, lastSecond))
        : createdAt;
      drafts.push({
        customerRef: customerRef(rng, c, paidAt),
        customerId: c.id,
        paidAt,
        amountCents,
        refundCents,
        status,
        storeCode: store.code,
        storeId: store.id,
        createdAt,
        updatedAt,
      });
    }
  });

  // Ids follow payment time; order numbers are SY + local date + a per-day running number with gaps.
  drafts.sort((a, b) => a.paidAt - b.paidAt || a.customerId - b.customerId || a.amountCents - b.amountCents);
  let day = "";
  let seq = 0;
  return drafts.map((o, i) => {
    const date = compactDate(o.paidAt);
    if (date !== day) {
      day = date;
      seq = rng.int(1, 300);
    } else seq += rng.int(1, 25);
    return { id: i + 1, orderNo: `SY${date}${String(seq).padStart(6, "0")}`, ...o };
  });
}

function orderTime(
  rng: Rng,
  frame: DemoFrame,
  days: Cumulative,
  c: DemoCustomer,
  first: boolean,
  onlineShare: number,
  dayIndex: (ms: number) => number,
): number {
  // a new customer's first order is their first visit (most added the guide at the till)
  if (first && c.activeFrom > frame.start) return c.activeFrom;
  const day = frame.firstDay + days.sampleRange(rng, dayIndex(c.activeFrom), dayIndex(c.activeUntil) + 1);
  const online = rng.chance(onlineShare);
  const notBefore = day === localDay(c.activeFrom) ? c.activeFrom : -Infinity;
  return timeOnDay(rng, day, () => orderHour(rng, day, online), frame.now, notBefore);
}

/**
 * How the merchant's system named the buyer: member number, else mobile, else the WeCom id
 * (varied). Before the customer added a guide, the till knew them only by member number or
 * mobile, or the mini-program mall by unionid.
 */
function customerRef(rng: Rng, c: DemoCustomer, paidAt: number): string {
  const r = rng.next();
  if (c.memberNo && r < 0.5) return c.memberNo;
  if (c.mobile && r < 0.88) return c.mobile;
  if (c.memberNo && (r < 0.95 || paidAt < c.acquiredAt)) return c.memberNo;
  if (paidAt < c.acquiredAt) return c.mobile ?? c.unionid ?? c.externalUserid;
  return c.externalUserid;
}
