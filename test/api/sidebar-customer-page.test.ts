import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerTag, Tag } from "../../server/src/modules/tags/tag.entity.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import type { HttpClient } from "../support/http-client.ts";

// The customer page reads its lists as JSON built by the database (one statement per page): these
// pin the order, the limits and the text of each list on both databases.
describe(`the sidebar customer page's lists (${testDialect()})`, () => {
  let s: TestServer;
  let li: HttpClient;
  let ext: string;
  let customerId: number;
  let staffId: number;

  beforeAll(async () => {
    s = await startTestServer();
    const g = given(s.ds);
    const store = await g.store({ code: "SH01", name: "静安店" });
    const staff = await g.staff({ userid: "li", name: "李娜", storeIds: [store.id] });
    staffId = staff.id;
    const c = await g.customer({ name: "张三", gender: 1 });
    ext = c.externalUserid!;
    customerId = c.id;
    await g.follow(c.id, staff.id, { remark: 'He said "hi"\\n' });
    li = s.client();
    await li.post("/api/v1/sidebar/dev/login", { userid: "li" });
  });
  afterAll(() => s.stop());

  const page = async () => {
    const res = await li.get(`/api/v1/sidebar/customers/${ext}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body;
  };

  it("shows an empty page as empty lists, not nulls", async () => {
    const body = await page();
    expect(body.customer).toMatchObject({ id: customerId, name: "张三", remark: 'He said "hi"\\n', gender: 1 });
    expect(body).toMatchObject({ lastOrder: null, groups: [], tags: [], notes: [], outreach: [], pendingTargets: [] });
    expect(body.orderWindow).toEqual({ days: 365, orders: 0, netCents: 0 });
  });

  it("keeps the newest 20 notes, newest first, with their text as written", async () => {
    const odd = 'quote " backslash \\ newline\n tab\t emoji 🧧 </script> 中文';
    for (let i = 1; i <= 22; i++)
      expect(
        (await li.post(`/api/v1/sidebar/customers/${ext}/notes`, { body: i === 22 ? odd : `note ${i}` })).status,
      ).toBe(204);
    const notes = (await page()).notes;
    expect(notes).toHaveLength(20);
    expect(notes[0]).toMatchObject({ body: odd.trim(), author: "李娜" });
    expect(notes.slice(1).map((n: { body: string }) => n.body)).toEqual(
      Array.from({ length: 19 }, (_, i) => `note ${21 - i}`),
    );
    expect(new Date(notes[0].createdAt).toISOString()).toBe(notes[0].createdAt);
  });

  it("shows the last paid order and the year's net spend", async () => {
    const g = given(s.ds);
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await g.order({ customerId, orderNo: "OLD", paidAt: daysAgo(30), amountCents: 5000 });
    const newest = daysAgo(2);
    await g.order({ customerId, orderNo: "NEW", paidAt: newest, amountCents: 12345, refundCents: 345 });
    await g.order({ customerId, orderNo: "REFUNDED", paidAt: daysAgo(1), amountCents: 999, status: "refunded" });
    const body = await page();
    expect(body.lastOrder).toMatchObject({ orderNo: "NEW", netCents: 12000 });
    expect(body.lastOrder.paidAt).toBe(newest.toISOString()); // milliseconds kept, read back as UTC
    expect(body.orderWindow).toEqual({ days: 365, orders: 2, netCents: 17000 });
  });

  it("orders groups by name as Chinese readers sort them (pinyin), and tags by group, sort and id", async () => {
    const now = new Date();
    const g = given(s.ds);
    for (const [chatId, name] of [
      ["wrB", "乙群"],
      ["wrA", "甲群"],
      ["wrGone", "已解散"],
    ] as const) {
      const group = await g.group(
        { id: staffId, userid: "li" },
        { chatId, name, status: chatId === "wrGone" ? "dismissed" : "active" },
      );
      await g.groupMember(group.id, { memberId: ext, customerId, name: "张三" });
    }
    const tags = s.ds.getRepository(Tag);
    const tag = (groupId: number, name: string, sort: number) =>
      tags.save({
        groupId,
        code: `t:${name}`,
        name,
        source: "manual",
        isSystem: false,
        mirrorToWecom: false,
        wecomTagId: null,
        sort,
        deletedAt: null,
        createdAt: now,
        updatedAt: now,
      });
    const late = await tag(900_002, "后组", 0);
    const second = await tag(900_001, "第二", 2);
    const first = await tag(900_001, "第一", 1);
    const deleted = await tag(900_001, "已删", 0);
    await tags.update(deleted.id, { deletedAt: now });
    for (const t of [late, second, first, deleted])
      await s.ds
        .getRepository(CustomerTag)
        .insert({ customerId, tagId: t.id, source: "manual", assignedBy: null, createdAt: now });
    const body = await page();
    expect(body.groups).toEqual([
      { chatId: "wrA", name: "甲群" },
      { chatId: "wrB", name: "乙群" },
    ]);
    expect(body.tags.map((t: { name: string }) => t.name)).toEqual(["第一", "第二", "后组"]);
    expect(body.tags[0]).toEqual({ id: first.id, name: "第一", source: "manual", editable: true });
  });
});
