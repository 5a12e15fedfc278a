import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import type { HttpClient } from "../support/http-client.ts";

describe(`the guide's work in the sidebar (${testDialect()})`, () => {
  let s: TestServer;
  let hq: HttpClient;
  let li: HttpClient;
  const ext: Record<string, string> = {};
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    s = await startTestServer();
    const g = given(s.ds);
    const store = await g.store({ code: "SH01", name: "静安店" });
    const liStaff = await g.staff({ userid: "li", name: "李娜", storeIds: [store.id] });
    const wangStaff = await g.staff({ userid: "wang", name: "王芳", storeIds: [store.id] });
    for (const [name, staff, remark] of [
      ["张三", liStaff, "张姐"],
      ["李四", liStaff, null],
      ["王五", wangStaff, null],
    ] as const) {
      const c = await g.customer({ name, gender: 2 });
      ext[name] = c.externalUserid!;
      ids[name] = c.id;
      await g.follow(c.id, staff.id, { remark, addedAt: new Date("2026-01-01T00:00:00Z") });
    }
    const daysAgo = (d: number) => new Date(Date.now() - d * 86_400_000);
    await g.order({ customerId: ids["张三"]!, paidAt: daysAgo(10), amountCents: 12000, refundCents: 2000 });
    await g.order({ customerId: ids["张三"]!, paidAt: daysAgo(400), amountCents: 5000 }); // outside the window
    await g.order({ customerId: ids["张三"]!, paidAt: daysAgo(5), amountCents: 3000, status: "refunded" });
    const now = new Date();
    const group = await g.group(liStaff, { chatId: "wrLI1", name: "李娜的群", memberCount: 2 });
    await g.groupMember(group.id, {
      memberId: ext["张三"]!,
      customerId: ids["张三"]!,
      name: "张三",
      lastMessageAt: now,
      messageCount: 4,
    });
    await g.user({ username: "ops.user", role: "hq_operator" });
    hq = s.client();
    await hq.post("/api/v1/auth/login", { username: "ops.user", password: "correct-horse-9" });
    const material = (
      await hq.post("/api/v1/materials", {
        title: "问候",
        content: { type: "text", text: "{{customer.remark}}{{customer.title}}，{{staff.name}}给您留了双11福利" },
      })
    ).body;
    const campaign = await hq.post("/api/v1/campaigns", {
      name: "双11老客",
      audience: { rule: { all: [] } },
      channel: "private_chat",
      materials: [{ variant: "A", materialId: material.id, share: 100 }],
      startAt: new Date(Date.now() - 3600_000).toISOString(),
      deadlineAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
    });
    expect(campaign.status, JSON.stringify(campaign.body)).toBe(201);
    expect((await hq.post(`/api/v1/campaigns/${campaign.body.id}/launch`)).status).toBe(200);
    li = s.client();
    await li.post("/api/v1/sidebar/dev/login", { userid: "li" });
  });
  afterAll(() => s.stop());

  it("shows the customer in front of the guide with the pending target and its rendered material", async () => {
    const page = await li.get(`/api/v1/sidebar/customers/${ext["张三"]}`);
    expect(page.status).toBe(200);
    expect(page.body.customer).toMatchObject({ name: "张三", remark: "张姐" });
    expect(page.body.rfm.lifecycle).toBe("prospect");
    expect(page.body.orderWindow).toEqual({ days: 365, orders: 1, netCents: 10000 });
    expect(page.body.lastOrder).toMatchObject({ netCents: 10000 });
    expect(page.body.groups).toEqual([{ chatId: "wrLI1", name: "李娜的群" }]);
    expect(page.body.pendingTargets).toHaveLength(1);
    expect(page.body.pendingTargets[0]).toMatchObject({ campaign: "双11老客", channel: "private_chat" });
    expect(page.body.pendingTargets[0].materials[0].content).toEqual({
      type: "text",
      text: "张姐女士，李娜给您留了双11福利",
    });
  });

  it("sends: the target becomes sent and the task's progress moves, as the admin API sees it too", async () => {
    const before = (await li.get("/api/v1/sidebar/tasks")).body.open[0];
    expect(before).toMatchObject({ total: 2, pending: 2, done: 0 });
    const target = (await li.get(`/api/v1/sidebar/customers/${ext["张三"]}`)).body.pendingTargets[0];
    expect(
      (
        await li.post(`/api/v1/sidebar/targets/${target.targetId}/sent`, {
          materialIds: [target.materials[0].materialId],
        })
      ).status,
    ).toBe(204);
    expect((await li.post(`/api/v1/sidebar/targets/${target.targetId}/sent`, {})).status).toBe(409); // not twice
    const after = (await li.get("/api/v1/sidebar/tasks")).body.open[0];
    expect(after).toMatchObject({ total: 2, pending: 1, done: 1 });
    const targets = (await li.get(`/api/v1/sidebar/tasks/${after.id}/targets?status=sent`)).body.items;
    expect(targets.map((t: { customer: { name: string } }) => t.customer.name)).toEqual(["张姐"]);
    const admin = (await hq.get(`/api/v1/campaigns/${after.campaign.id}`)).body;
    expect(JSON.stringify(admin)).toContain('"sent":1');
  });

  it("skips with a reason, and not without one", async () => {
    const target = (await li.get(`/api/v1/sidebar/customers/${ext["李四"]}`)).body.pendingTargets[0];
    expect((await li.post(`/api/v1/sidebar/targets/${target.targetId}/skip`, { reason: " " })).status).toBe(400);
    expect(
      (await li.post(`/api/v1/sidebar/targets/${target.targetId}/skip`, { reason: "客户已到店购买" })).status,
    ).toBe(204);
    const tasks = (await li.get("/api/v1/sidebar/tasks")).body;
    expect(tasks.open).toHaveLength(0);
    expect(tasks.done[0]).toMatchObject({ pending: 0, done: 2 });
  });

  it("answers 404 for another guide's customer, target and a group it does not own", async () => {
    expect((await li.get(`/api/v1/sidebar/customers/${ext["王五"]}`)).status).toBe(404);
    expect((await li.post(`/api/v1/sidebar/customers/${ext["王五"]}/notes`, { body: "x" })).status).toBe(404);
    const wang = s.client();
    await wang.post("/api/v1/sidebar/dev/login", { userid: "wang" });
    const wangTarget = (await wang.get(`/api/v1/sidebar/customers/${ext["王五"]}`)).body.pendingTargets[0];
    expect((await li.post(`/api/v1/sidebar/targets/${wangTarget.targetId}/sent`, {})).status).toBe(404);
    expect((await wang.get("/api/v1/sidebar/groups/wrLI1")).status).toBe(404);
    expect((await s.client().get(`/api/v1/sidebar/customers/${ext["张三"]}`)).status).toBe(401);
  });

  it("keeps notes, renders any material for this customer, and shows the group page", async () => {
    expect((await li.post(`/api/v1/sidebar/customers/${ext["张三"]}/notes`, { body: "喜欢红色款" })).status).toBe(204);
    expect((await li.get(`/api/v1/sidebar/customers/${ext["张三"]}`)).body.notes[0]).toMatchObject({
      body: "喜欢红色款",
      author: "李娜",
    });
    const folder = (await hq.post("/api/v1/materials/folders", { name: "节日" })).body;
    expect((await li.get("/api/v1/sidebar/materials/folders")).body.items).toContainEqual({
      id: folder.id,
      name: "节日",
      parentId: null,
    });
    const found = (await li.get("/api/v1/sidebar/materials?q=问候")).body.items[0];
    const rendered = await li.get(`/api/v1/sidebar/materials/${found.id}/render?externalUserid=${ext["李四"]}`);
    expect(rendered.body.content.text).toBe("李四女士，李娜给您留了双11福利");
    expect(found.usageCount).toBe(2); // counted once by the launch and once by the send
    const group = (await li.get("/api/v1/sidebar/groups/wrLI1")).body;
    expect(group.group).toMatchObject({ name: "李娜的群", isOwner: true });
    expect(group.activity.activeMembers7d).toBe(1);
    expect(group.members[0]).toMatchObject({ name: "张三", messages: 4 });
  });

  it("lists the manual tags a guide may use and puts one on and off a customer", async () => {
    const group = (await hq.post("/api/v1/tag-groups", { name: "偏好" })).body;
    const tag = (await hq.post("/api/v1/tags", { groupId: group.id, name: "喜欢红色" })).body;
    const listed = (await li.get("/api/v1/sidebar/tags")).body.groups;
    expect(listed.find((g: { id: number }) => g.id === group.id)).toEqual({
      id: group.id,
      name: "偏好",
      tags: [{ id: tag.id, name: "喜欢红色" }],
    });
    expect(listed.every((g: { tags: unknown[] }) => g.tags.length > 0)).toBe(true);
    expect((await li.post(`/api/v1/sidebar/customers/${ext["张三"]}/tags`, { tagId: tag.id })).status).toBe(204);
    const page = (await li.get(`/api/v1/sidebar/customers/${ext["张三"]}`)).body;
    expect(page.tags).toContainEqual({ id: tag.id, name: "喜欢红色", source: "manual", editable: true });
    expect((await li.request("DELETE", `/api/v1/sidebar/customers/${ext["张三"]}/tags/${tag.id}`)).status).toBe(204);
    expect((await li.get(`/api/v1/sidebar/customers/${ext["张三"]}`)).body.tags).toEqual([]);
  });
});
