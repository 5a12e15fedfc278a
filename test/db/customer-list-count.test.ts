import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import type { UserView } from "../../server/src/modules/auth/auth.schemas.ts";
import { customerListQuery } from "../../server/src/modules/customers/customers.schemas.ts";
import { CustomersService, TOTAL_CAP } from "../../server/src/modules/customers/customers.service.ts";
import { CustomerTag } from "../../server/src/modules/tags/tag.entity.ts";
import { CustomerRfm } from "../../server/src/modules/rfm/rfm.entity.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

/** The list counts exactly up to its cap and says so beyond; filters written as semi-joins still match. */
describe(`customer list count and semi-join filters (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  const hq: UserView = { id: 1, username: "hq", displayName: "HQ", role: "hq_admin", storeIds: [] };

  beforeAll(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });

  it("counts exactly up to the cap, then reports the cap and totalCapped", async () => {
    const g = given(ds);
    const store = await g.store();
    const staff = await g.staff({ storeIds: [store.id] });
    const mine: number[] = [];
    for (let i = 0; i < 5; i++) {
      const c = await g.customer({ name: `客户${i}` });
      await g.follow(c.id, staff.id);
      mine.push(c.id);
    }
    await g.customer({ name: "别人的客户" });
    const list = (cap: number, q: Record<string, string> = {}) =>
      new CustomersService(ds, cap).list(customerListQuery.parse({ pageSize: "2", ...q }), hq);

    expect(await list(10)).toMatchObject({ total: 6, totalCapped: false });
    expect(await list(6)).toMatchObject({ total: 6, totalCapped: false });
    expect(await list(4)).toMatchObject({ total: 4, totalCapped: true });
    const byStore = await list(10, { store: String(store.id) });
    expect(byStore).toMatchObject({ total: 5, totalCapped: false });
    expect(byStore.items.map((c) => c.id)).toEqual([mine[4], mine[3]]);
    const byOwner = await list(3, { owner: staff.userid, pageSize: "10" });
    expect(byOwner).toMatchObject({ total: 3, totalCapped: true });
    expect(byOwner.items.map((c) => c.id).sort((a, b) => a - b)).toEqual(mine);
  });

  it("matches all of the tags, whether written per tag (up to 8) or grouped (more)", async () => {
    const g = given(ds);
    const [all, allButOne] = [await g.customer({ name: "全部" }), await g.customer({ name: "差一个" })];
    const tagIds = Array.from({ length: 9 }, (_, i) => 900_001 + i);
    const now = new Date();
    for (const tagId of tagIds)
      for (const c of tagId === tagIds[8] ? [all] : [all, allButOne])
        await ds
          .getRepository(CustomerTag)
          .insert({ customerId: c.id, tagId, source: "manual", assignedBy: null, createdAt: now });
    const names = async (tags: number[]) =>
      (await new CustomersService(ds).list(customerListQuery.parse({ tagsAll: tags.join(",") }), hq)).items
        .map((c) => c.name)
        .sort();
    expect(await names(tagIds.slice(0, 2))).toEqual(["全部", "差一个"]);
    expect(await names(tagIds.slice(7, 9))).toEqual(["全部"]);
    expect(await names(tagIds.slice(0, 8))).toEqual(["全部", "差一个"]);
    expect(await names(tagIds)).toEqual(["全部"]);
    expect(await names([...tagIds.slice(0, 8), tagIds[0]!])).toEqual(["全部", "差一个"]); // repeats count once
  });

  it("pages newest first the same whether the newest customers are probed or the matches read as a set", async () => {
    const g = given(ds);
    const store = await g.store();
    const staff = await g.staff({ storeIds: [store.id] });
    const followed: number[] = [];
    // matches among the oldest and the newest customers, with unmatched ones in between and at the top
    for (let i = 0; i < 12; i++) {
      const c = await g.customer({ name: `探测${i}` });
      if (i % 4 === 1 || i % 4 === 2) {
        await g.follow(c.id, staff.id);
        followed.push(c.id);
      }
    }
    await g.customer({ name: "最新" });
    const newestFirst = [...followed].reverse();
    for (const window of [1, 3, 1_000_000]) {
      const service = new CustomersService(ds, TOTAL_CAP, window);
      for (const [page, sort] of [
        ["1", "-id"],
        ["2", "-id"],
        ["1", "id"],
        ["3", "id"],
      ] as const) {
        const got = await service.list(
          customerListQuery.parse({ store: String(store.id), pageSize: "2", page, sort }),
          hq,
        );
        const order = sort === "-id" ? newestFirst : followed;
        const start = (Number(page) - 1) * 2;
        expect(
          got.items.map((c) => c.id),
          `window ${window}, page ${page}, ${sort}`,
        ).toEqual(order.slice(start, start + 2));
        expect(got.total).toBe(followed.length);
      }
    }
  });

  it("pages any-of-these-tags by merging each tag's newest holders, the same as the general path", async () => {
    const g = given(ds);
    const [t1, t2] = [910_001, 910_002];
    const holders: number[] = [];
    const now = new Date();
    for (let i = 0; i < 9; i++) {
      const c = await g.customer({ name: `任一${i}` });
      const tags = i % 3 === 0 ? [t1] : i % 3 === 1 ? [t1, t2] : i === 8 ? [] : [t2];
      for (const tagId of tags)
        await ds
          .getRepository(CustomerTag)
          .insert({ customerId: c.id, tagId, source: "manual", assignedBy: null, createdAt: now });
      if (tags.length) holders.push(c.id);
    }
    const list = (cap: number, q: Record<string, string>) =>
      new CustomersService(ds, cap).list(customerListQuery.parse({ tagsAny: `${t1},${t2}`, pageSize: "3", ...q }), hq);
    for (const sort of ["-id", "id"] as const) {
      const order = sort === "-id" ? [...holders].reverse() : holders;
      for (const page of [1, 2, 3]) {
        const got = await list(TOTAL_CAP, { sort, page: String(page) });
        expect(
          got.items.map((c) => c.id),
          `${sort} page ${page}`,
        ).toEqual(order.slice((page - 1) * 3, page * 3));
        expect(got).toMatchObject({ total: holders.length, totalCapped: false });
      }
      // the same filter through the general path (a sort the fast path does not take) has the same members
      const general = await list(TOTAL_CAP, { sort: "name", pageSize: "50" });
      expect(general.items.map((c) => c.id).sort((a, b) => a - b)).toEqual(holders);
    }
    expect(await list(4, {})).toMatchObject({ total: 4, totalCapped: true });
  });

  it("lists a segment with score bounds inside a store the same whichever table drives", async () => {
    const g = given(ds);
    const store = await g.store();
    const staff = await g.staff({ storeIds: [store.id] });
    const now = new Date();
    const expected: number[] = [];
    for (let i = 0; i < 10; i++) {
      const c = await g.customer({ name: `分层${i}` });
      const segment = i % 2 === 0 ? "important_value" : "general_keep";
      const rScore = (i % 5) + 1;
      await ds.getRepository(CustomerRfm).insert({
        customerId: c.id,
        computationId: 1,
        recencyDays: 10,
        frequency: 2,
        monetaryCents: 10_000,
        rScore,
        fScore: 3,
        mScore: 3,
        segment,
        lifecycle: "active",
        firstPaidAt: now,
        lastPaidAt: now,
        updatedAt: now,
      });
      const followed = i !== 4;
      if (followed) await g.follow(c.id, staff.id);
      if (followed && segment === "important_value" && rScore >= 3) expected.push(c.id);
    }
    const q = { segment: "important_value", rMin: "3", store: String(store.id), pageSize: "2" };
    const manager: UserView = { ...hq, role: "store_manager", storeIds: [store.id] };
    for (const user of [hq, manager]) {
      const first = await new CustomersService(ds).list(customerListQuery.parse(q), user);
      expect(first).toMatchObject({ total: expected.length, totalCapped: false });
      expect(first.items.map((c) => c.id)).toEqual([...expected].reverse().slice(0, 2));
      const all = await new CustomersService(ds).list(
        customerListQuery.parse({ ...q, pageSize: "50", sort: "id" }),
        user,
      );
      expect(all.items.map((c) => c.id)).toEqual(expected);
    }
  });
});
