import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { num } from "../../server/src/db/dialect.ts";
import { launchBrowser, shot, watchErrors } from "../support/browser.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

interface Guide {
  id: number;
  userid: string;
  name: string;
  groupId: number;
  chatId: string;
  member: number;
}

describe("the chat sidebar on the demo corp, at phone size", () => {
  let server: TestServer;
  let browser: Browser;
  let ctx: BrowserContext;
  let page: Page;
  let errors: string[];
  let hq: HttpClient;
  let guide: Guide;
  const customers: { id: number; ext: string; name: string }[] = [];
  let stranger: string;
  let privateCampaign: number;
  let groupCampaign: number;
  let materialId: number;

  const one = async (sql: string, params: unknown[] = []) => (await server.ds.query(sql, params))[0];
  const targetOf = async (campaignId: number, where: string, value: number) =>
    one(`SELECT id, task_id, status, reason FROM targets WHERE campaign_id = ? AND ${where} = ?`, [campaignId, value]);

  async function launch(body: Record<string, unknown>): Promise<number> {
    const created = await hq.post("/api/v1/campaigns", body);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const launched = await hq.post(`/api/v1/campaigns/${created.body.id}/launch`);
    expect(launched.status, JSON.stringify(launched.body)).toBe(200);
    return created.body.id as number;
  }

  /** At 320 px nothing sticks out sideways; back to 375 afterwards. */
  async function fitsNarrowPhone(name: string): Promise<void> {
    await page.setViewportSize({ width: 320, height: 640 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(320);
    await shot(page, name);
    await page.setViewportSize({ width: 375, height: 667 });
  }

  beforeAll(async () => {
    server = await startTestServer({ env: { SEED_DEMO_ON_START: "true" } });
    browser = await launchBrowser();
    const admin = server.seeded!.users.find((u) => u.role === "hq_admin")!;
    hq = server.client();
    expect((await hq.post("/api/v1/auth/login", { username: admin.username, password: admin.password })).status).toBe(
      200,
    );

    // a guide who owns a group with a customer in it, and has customers of their own
    const g = await one(
      `SELECT s.id, s.userid, s.name, g.id AS group_id, g.chat_id, MIN(m.customer_id) AS member
         FROM staff s JOIN customer_groups g ON g.owner_staff_id = s.id AND g.status = 'active'
         JOIN group_members m ON m.group_id = g.id AND m.left_at IS NULL AND m.customer_id IS NOT NULL
         JOIN customers c ON c.id = m.customer_id AND c.do_not_disturb = 0
        WHERE s.status = 'active' AND s.customer_contact_enabled = 1
          AND EXISTS (SELECT 1 FROM follow_relations f WHERE f.staff_id = s.id AND f.status = 'active')
        GROUP BY s.id, s.userid, s.name, g.id, g.chat_id ORDER BY s.userid, g.id LIMIT 1`,
    );
    guide = {
      id: num(g.id),
      userid: g.userid,
      name: g.name,
      groupId: num(g.group_id),
      chatId: g.chat_id,
      member: num(g.member),
    };
    const mine: Record<string, unknown>[] = await server.ds.query(
      `SELECT c.id, c.external_userid, c.name FROM customers c JOIN follow_relations f ON f.customer_id = c.id
        WHERE f.staff_id = ? AND f.status = 'active' AND c.do_not_disturb = 0 AND c.id <> ?
          AND NOT EXISTS (SELECT 1 FROM follow_relations o WHERE o.customer_id = c.id AND o.staff_id <> f.staff_id)
          AND EXISTS (SELECT 1 FROM orders o WHERE o.customer_id = c.id AND o.status = 'paid')
        ORDER BY c.id LIMIT 2`,
      [guide.id, guide.member],
    );
    for (const c of mine) customers.push({ id: num(c.id), ext: String(c.external_userid), name: String(c.name) });
    expect(customers).toHaveLength(2);
    stranger = (
      await one(
        `SELECT c.external_userid FROM customers c WHERE NOT EXISTS (
           SELECT 1 FROM follow_relations f WHERE f.customer_id = c.id AND f.staff_id = ?) ORDER BY c.id LIMIT 1`,
        [guide.id],
      )
    ).external_userid;

    // the nightly RFM recompute, now: customers get their segment and scores
    await server.app.services.rfm.recompute({ triggeredBy: "manual" });

    // HQ: a material with variables, a tag on the audience, and two campaigns launched through the admin API
    const material = await hq.post("/api/v1/materials", {
      title: "秋冬新品问候",
      content: { type: "text", text: "{{customer.remark}}您好，{{staff.name}}为您留了秋冬新品" },
    });
    expect(material.status, JSON.stringify(material.body)).toBe(201);
    materialId = material.body.id;
    const tagGroup = await hq.post("/api/v1/tag-groups", { name: "侧边栏测试" });
    const tag = async (name: string, ids: number[]) => {
      const created = await hq.post("/api/v1/tags", { groupId: tagGroup.body.id, name });
      for (const id of ids)
        expect((await hq.post(`/api/v1/customers/${id}/tags`, { tagId: created.body.id })).status).toBe(204);
      return created.body.id as number;
    };
    const privateTag = await tag(
      "秋冬私聊",
      customers.map((c) => c.id),
    );
    const groupTag = await tag("秋冬群发", [guide.member]);
    const common = {
      scope: { staffIds: [guide.id] },
      startAt: new Date(Date.now() - 3600_000).toISOString(),
      deadlineAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
      materials: [{ variant: "A", materialId, share: 100 }],
    };
    privateCampaign = await launch({
      ...common,
      name: "秋冬新品私聊",
      channel: "private_chat",
      audience: { rule: { all: [{ field: "tags", op: "any", tagIds: [privateTag] }] } },
    });
    groupCampaign = await launch({
      ...common,
      name: "秋冬新品群发",
      channel: "group_post",
      audience: { rule: { all: [{ field: "tags", op: "any", tagIds: [groupTag] }] } },
    });

    ctx = await browser.newContext({ viewport: { width: 375, height: 667 }, isMobile: true, hasTouch: true });
    page = await ctx.newPage();
    errors = watchErrors(page);
  });
  afterAll(async () => {
    await ctx?.close();
    await browser?.close();
    await server?.stop();
  });

  it("signs the guide in through the dev bridge and opens a customer with a pending target", async () => {
    await page.goto(`${server.url}/sidebar/`);
    await page.locator(`[data-test="dev-staff-${guide.userid}"]`).click();
    await page.locator('[data-test="staff-name"]').waitFor();
    await shot(page, "sidebar-home-menu");
    await page.locator('[data-test="home-switch-chat"]').click();
    await page.locator('[data-test="dev-chat-picker"]').waitFor();
    await page.locator(`[data-test="dev-chat-customer-${customers[0]!.ext}"]`).waitFor();
    await shot(page, "sidebar-dev-chat");
    await page.locator(`[data-test="dev-chat-customer-${customers[0]!.ext}"]`).click();
    await page.waitForURL(/\/sidebar\/customer\//);
    await page.locator('[data-test="customer-name"]').waitFor();
    expect(await page.locator('[data-test="customer-name"]').textContent()).toContain(customers[0]!.name);
    const target = await targetOf(privateCampaign, "customer_id", customers[0]!.id);
    expect(target.status).toBe("pending");
    const card = page.locator(`[data-test="target-${num(target.id)}"]`);
    await card.waitFor();
    // the material is rendered for this customer and this guide
    expect(await card.textContent()).toContain(`${guide.name}为您留了秋冬新品`);
    // RFM: the segment badge and the three scores
    const [rfm] = await server.ds.query("SELECT segment, r_score FROM customer_rfm WHERE customer_id = ?", [
      customers[0]!.id,
    ]);
    expect(rfm.segment).toBeTruthy();
    expect(await page.locator('[data-test="customer-segment"]').textContent()).toContain("客户");
    expect(await page.locator('[data-test="rfm-r"]').textContent()).toContain(String(num(rfm.r_score)));
    await shot(page, "sidebar-customer");
    await fitsNarrowPhone("sidebar-customer-320");
  });

  it("sends the material: the target becomes sent, the simulator recorded it, the task moves", async () => {
    const target = await targetOf(privateCampaign, "customer_id", customers[0]!.id);
    const id = num(target.id);
    const before = (await hq.get(`/api/v1/campaigns/${privateCampaign}/measurement`)).body.total;
    expect(before).toMatchObject({ targets: 2, sent: 0 });

    await page.locator(`[data-test="target-send-${id}"]`).click();
    await expect.poll(() => page.locator(`[data-test="target-status-${id}"]`).textContent()).toContain("已发送");
    expect((await targetOf(privateCampaign, "customer_id", customers[0]!.id)).status).toBe("sent");
    const sends = server.simulator!.chatToolbarSends.filter((s) => s.external_userid === customers[0]!.ext);
    expect(sends).toEqual([
      expect.objectContaining({ userid: guide.userid, msgtype: "text", payload: expect.any(Object) }),
    ]);
    expect(String(sends[0]!.payload.content)).toContain(`${guide.name}为您留了秋冬新品`);
    await shot(page, "sidebar-customer-sent");

    // a note, kept on the customer
    await page.locator('[data-test="note-input"] textarea').fill("喜欢深色外套");
    await page.locator('[data-test="note-add"]').click();
    await expect.poll(() => page.locator('[data-test="note"]').first().textContent()).toContain("喜欢深色外套");

    // the sidebar's task list shows the progress, and so does the admin API
    await page.locator('[data-test="nav-tasks"]').click();
    const progress = page.locator(`[data-test="task-progress-${num(target.task_id)}"]`);
    await expect.poll(() => progress.textContent()).toContain("1/2");
    await shot(page, "sidebar-tasks");
    const after = (await hq.get(`/api/v1/campaigns/${privateCampaign}/measurement`)).body.total;
    expect(after).toMatchObject({ targets: 2, sent: 1 });
    expect(errors).toEqual([]);
  });

  it("opens the next customer from the task's target list and skips it with a reason", async () => {
    const target = await targetOf(privateCampaign, "customer_id", customers[1]!.id);
    const id = num(target.id);
    await page.locator(`[data-test="task-${num(target.task_id)}"]`).click();
    await page.locator(`[data-test="task-open-chat-${id}"]`).waitFor();
    await shot(page, "sidebar-task");
    await page.locator(`[data-test="task-open-chat-${id}"]`).click();
    await page.waitForURL(new RegExp(`/sidebar/customer/${customers[1]!.ext}`));
    await page.locator(`[data-test="target-skip-${id}"]`).click();
    await page.locator('[data-test="skip-reason-bought"]').click();
    await shot(page, "sidebar-skip-dialog");
    await page.locator(".van-dialog__confirm").click();
    await expect.poll(() => page.locator(`[data-test="target-status-${id}"]`).textContent()).toContain("已跳过");
    expect(await targetOf(privateCampaign, "customer_id", customers[1]!.id)).toMatchObject({
      status: "skipped",
      reason: "客户已购买",
    });
    // nothing left: the task is archived among the done ones
    await page.locator('[data-test="nav-tasks"]').click();
    await page.locator('[data-test="tasks-open"]').waitFor();
    expect(await page.locator(`[data-test="task-${num(target.task_id)}"]`).count()).toBe(0);
    await page.getByRole("tab", { name: "已完成" }).click();
    await page.locator(`[data-test="task-${num(target.task_id)}"]`).waitFor();
    expect(await page.locator(`[data-test="task-progress-${num(target.task_id)}"]`).textContent()).toContain("2/2");
  });

  it("opens the group and sends the group post", async () => {
    const target = await targetOf(groupCampaign, "group_id", guide.groupId);
    const id = num(target.id);
    await page.locator('[data-test="nav-home"]').click();
    await page.locator('[data-test="home-switch-chat"]').click();
    await page.locator(`[data-test="dev-chat-group-${guide.chatId}"]`).click();
    await page.waitForURL(/\/sidebar\/group\//);
    await page.locator('[data-test="group-name"]').waitFor();
    await page.locator('[data-test="group-chart"]').waitFor();
    await shot(page, "sidebar-group");
    await fitsNarrowPhone("sidebar-group-320");
    await page.locator(`[data-test="target-send-${id}"]`).click();
    await expect.poll(() => page.locator(`[data-test="target-status-${id}"]`).textContent()).toContain("已发送");
    expect((await targetOf(groupCampaign, "group_id", guide.groupId)).status).toBe("sent");
    expect(server.simulator!.chatToolbarSends.filter((s) => s.chat_id === guide.chatId)).toEqual([
      expect.objectContaining({ userid: guide.userid, msgtype: "text" }),
    ]);
    expect(errors).toEqual([]);
  });

  it("searches materials and sends one into the current chat", async () => {
    await page.locator('[data-test="nav-materials"]').click();
    await page.locator('[data-test="material-search"] input').fill("秋冬");
    await page.locator('[data-test="material-search"] input').press("Enter");
    // previewed as this group will receive it: variables filled in (no customer in a group: the staff name)
    const item = page.locator(`[data-test="material-${materialId}"]`);
    await expect.poll(() => item.textContent()).toContain(`${guide.name}为您留了秋冬新品`);
    await page.locator(`[data-test="material-send-${materialId}"]`).click();
    await expect
      .poll(() => server.simulator!.chatToolbarSends.filter((s) => s.chat_id === guide.chatId).length)
      .toBe(2);
    await shot(page, "sidebar-materials");
  });

  it("shows not-found for another guide's customer", async () => {
    await page.goto(`${server.url}/sidebar/customer/${stranger}`);
    await page.locator('[data-test="customer-not-found"]').waitFor();
    await shot(page, "sidebar-not-found");
    expect(errors).toEqual([]);
  });
});
