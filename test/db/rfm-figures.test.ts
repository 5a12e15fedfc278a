import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { CustomerRfm } from "../../server/src/modules/rfm/rfm.entity.ts";
import { RfmService } from "../../server/src/modules/rfm/rfm.service.ts";
import { SettingsService } from "../../server/src/modules/settings/settings.service.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

/**
 * rfm.md "Inputs", "Raw figures" and "Lifecycle stage", with figures computed by hand.
 * asOf = 2026-06-01T00:00:00.000Z, windowDays = 365: the window is
 * 2025-06-01T00:00:00.000Z < paid_at <= 2026-06-01T00:00:00.000Z.
 */
const AS_OF = new Date("2026-06-01T00:00:00.000Z");
const DAY = 86_400_000;
const before = (ms: number) => new Date(AS_OF.getTime() - ms);

describe(`RFM figures and lifecycle (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let rfm: RfmService;

  beforeAll(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    for (const t of ["orders", "customers", "customer_rfm", "tag_history", "customer_tags", "rfm_computations"])
      await ds.query(`DELETE FROM ${t}`);
    const clock = fixedClock(new Date("2026-06-02T08:00:00Z"));
    rfm = new RfmService(ds, clock, new SettingsService(ds, clock), createLogger("silent"));
  });

  const figures = async (customerId: number) => {
    const r = await ds.getRepository(CustomerRfm).findOneByOrFail({ customerId });
    return {
      recencyDays: r.recencyDays,
      frequency: r.frequency,
      monetaryCents: r.monetaryCents,
      lifecycle: r.lifecycle,
      scored: r.rScore !== null && r.segment !== null,
    };
  };

  it("counts only paid orders with a positive net amount, at or before asOf", async () => {
    const g = given(ds);
    const c = await g.customer();
    await g.order({ customerId: c.id, paidAt: before(DAY), amountCents: 10000 }); // recency 1 day
    await g.order({ customerId: c.id, paidAt: before(100 * DAY), amountCents: 5000, refundCents: 1000 }); // net 4000
    await g.order({ customerId: c.id, paidAt: before(100 * DAY), amountCents: 7000, refundCents: 7000 }); // net 0
    await g.order({ customerId: c.id, paidAt: before(3600_000), amountCents: 9000, status: "refunded" });
    await g.order({ customerId: c.id, paidAt: before(3600_000), amountCents: 9000, status: "cancelled" });
    await g.order({ customerId: c.id, paidAt: new Date(AS_OF.getTime() + 1), amountCents: 9000 }); // future
    await g.order({ customerId: c.id, paidAt: new Date(AS_OF.getTime() + 30 * DAY), amountCents: 9000 });
    await g.order({ customerId: null, paidAt: before(DAY), amountCents: 9000 }); // unmatched

    const done = await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(done).toMatchObject({ status: "done", customersScored: 1, customersTotal: 1 });
    expect(await figures(c.id)).toEqual({
      recencyDays: 1,
      frequency: 2,
      monetaryCents: 14000,
      lifecycle: "active",
      scored: true,
    });
  });

  it("puts an order exactly at the window start outside and one exactly at asOf inside", async () => {
    const g = given(ds);
    const atStart = await g.customer();
    await g.order({ customerId: atStart.id, paidAt: before(365 * DAY), amountCents: 20000 });
    const justInside = await g.customer();
    await g.order({ customerId: justInside.id, paidAt: before(365 * DAY - 1), amountCents: 20000 });
    const atAsOf = await g.customer();
    await g.order({ customerId: atAsOf.id, paidAt: AS_OF, amountCents: 3000 });
    await g.order({ customerId: atAsOf.id, paidAt: before(365 * DAY), amountCents: 50000 });

    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    // outside the window: no frequency or money, but recency still counts the order
    expect(await figures(atStart.id)).toMatchObject({ recencyDays: 365, frequency: 0, monetaryCents: 0 });
    // 365 days minus 1 ms: floor gives 364 days
    expect(await figures(justInside.id)).toMatchObject({ recencyDays: 364, frequency: 1, monetaryCents: 20000 });
    // first order a year ago, so not new; the last one is at asOf
    expect(await figures(atAsOf.id)).toEqual({
      recencyDays: 0,
      frequency: 1,
      monetaryCents: 3000,
      lifecycle: "active",
      scored: true,
    });
  });

  it("takes recency from the last qualifying order ever, even outside the window", async () => {
    const g = given(ds);
    const old = await g.customer();
    await g.order({ customerId: old.id, paidAt: before(400 * DAY + 5), amountCents: 1000 });
    await g.order({ customerId: old.id, paidAt: before(365 * DAY + 1), amountCents: 8000 });
    // a later order that does not count leaves recency alone
    await g.order({ customerId: old.id, paidAt: before(DAY), amountCents: 8000, status: "refunded" });

    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    // 365 days + 1 ms before asOf: floor(365.00000001) = 365
    expect(await figures(old.id)).toEqual({
      recencyDays: 365,
      frequency: 0,
      monetaryCents: 0,
      lifecycle: "churned",
      scored: true,
    });
  });

  it("rounds recency down to whole days", async () => {
    const g = given(ds);
    const exactly = await g.customer();
    await g.order({ customerId: exactly.id, paidAt: before(7 * DAY), amountCents: 1000 });
    const almost = await g.customer();
    await g.order({ customerId: almost.id, paidAt: before(7 * DAY - 1), amountCents: 1000 });
    await g.order({ customerId: almost.id, paidAt: before(40 * DAY), amountCents: 1000 });
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect((await figures(exactly.id)).recencyDays).toBe(7);
    expect((await figures(almost.id)).recencyDays).toBe(6);
  });

  it("makes prospects of customers without a qualifying order at or before asOf", async () => {
    const g = given(ds);
    const none = await g.customer();
    const refundedOnly = await g.customer();
    await g.order({ customerId: refundedOnly.id, paidAt: before(DAY), amountCents: 5000, status: "refunded" });
    await g.order({ customerId: refundedOnly.id, paidAt: before(DAY), amountCents: 5000, refundCents: 5000 });
    await g.order({ customerId: refundedOnly.id, paidAt: before(DAY), amountCents: 5000, status: "cancelled" });
    const futureOnly = await g.customer();
    await g.order({ customerId: futureOnly.id, paidAt: new Date(AS_OF.getTime() + 1), amountCents: 5000 });
    const buyer = await g.customer();
    await g.order({ customerId: buyer.id, paidAt: before(DAY), amountCents: 5000 });

    const done = await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(done).toMatchObject({ customersScored: 1, customersTotal: 4 });
    for (const c of [none, refundedOnly, futureOnly]) {
      const r = await ds.getRepository(CustomerRfm).findOneByOrFail({ customerId: c.id });
      expect(r).toMatchObject({
        recencyDays: null,
        frequency: null,
        monetaryCents: null,
        rScore: null,
        fScore: null,
        mScore: null,
        segment: null,
        lifecycle: "prospect",
        firstPaidAt: null,
        lastPaidAt: null,
      });
    }
  });

  it("evaluates lifecycle stages in order with their exact edges", async () => {
    const g = given(ds);
    const customer = async (firstAgoMs: number, lastAgoMs: number) => {
      const c = await g.customer();
      await g.order({ customerId: c.id, paidAt: before(firstAgoMs), amountCents: 1000 });
      await g.order({ customerId: c.id, paidAt: before(lastAgoMs), amountCents: 1000 });
      return c.id;
    };
    // newDays 30: asOf - first_paid_at < 30 days
    const newest = await customer(30 * DAY - 1, 30 * DAY - 1);
    const notNew = await customer(30 * DAY, 30 * DAY);
    // new comes before the recency stages (it cannot be otherwise, but the order is the rule)
    const newAndRecent = await customer(DAY, 0);
    // activeDays 90, churnDays 180 on recency_days
    const active89 = await customer(400 * DAY, 90 * DAY - 1); // recency 89
    const silent90 = await customer(400 * DAY, 90 * DAY); // recency 90
    const silent179 = await customer(400 * DAY, 180 * DAY - 1); // recency 179
    const churned180 = await customer(400 * DAY, 180 * DAY); // recency 180

    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    const stage = async (id: number) => (await figures(id)).lifecycle;
    expect(await stage(newest)).toBe("new");
    expect(await stage(notNew)).toBe("active");
    expect(await stage(newAndRecent)).toBe("new");
    expect(await stage(active89)).toBe("active");
    expect((await figures(active89)).recencyDays).toBe(89);
    expect(await stage(silent90)).toBe("silent");
    expect(await stage(silent179)).toBe("silent");
    expect(await stage(churned180)).toBe("churned");
  });

  it("uses the day limits from the settings", async () => {
    const g = given(ds);
    const c = await g.customer();
    await g.order({ customerId: c.id, paidAt: before(50 * DAY), amountCents: 1000 });
    await rfm.updateSettings({ newDays: 60, windowDays: 30 }, "admin");
    const done = await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await figures(c.id)).toMatchObject({ recencyDays: 50, frequency: 0, monetaryCents: 0, lifecycle: "new" });
    // the computation keeps the settings and asOf it used
    expect(done.settings).toMatchObject({ newDays: 60, windowDays: 30, method: "quantile" });
    expect(new Date(done.asOf).toISOString()).toBe(AS_OF.toISOString());
    await rfm.updateSettings({ newDays: 30, windowDays: 365 }, "admin");
  });
});
