import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { num } from "../../server/src/db/dialect.ts";
import { launchBrowser, shot, watchErrors } from "../support/browser.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

// The task center of the admin console on the demo corp: a segment built in the rule builder, a
// material with a variable, a campaign through the wizard, its page following the guides' sends,
// and an automation switched off.
describe("the task center in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let errors: string[];
  let hq: HttpClient;
  const segmentName = `活跃高价值 ${Date.now() % 10000}`;
  const materialTitle = "双11 问候";
  const campaignName = "双11 唤醒（浏览器测试）";
  let segmentId = 0;
  let materialId = 0;
  let campaignId = 0;

  beforeAll(async () => {
    server = await startTestServer({ env: { SEED_DEMO_ON_START: "true" } });
    browser = await launchBrowser();
    const admin = server.seeded!.users.find((u) => u.role === "hq_admin")!;
    hq = server.client();
    expect((await hq.post("/api/v1/auth/login", { username: admin.username, password: admin.password })).status).toBe(
      200,
    );
    // the demo starts without RFM scores: compute them once, as HQ would from the RFM page
    expect((await hq.post("/api/v1/rfm/recompute", {})).body.started).toBe(true);
    for (let i = 0; i < 600; i++) {
      const latest = (await hq.get("/api/v1/rfm/computations/latest")).body.computation;
      if (latest?.status === "done") break;
      if (latest?.status === "failed") throw new Error(`RFM failed: ${latest.error}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    errors = watchErrors(page);
    await page.goto(`${server.url}/login`);
    await page.locator('[data-test="login-username"] input').fill(admin.username);
    await page.locator('[data-test="login-password"] input').fill(admin.password);
    await page.locator('[data-test="login-submit"]').click();
    await page.locator('[data-test="menu-segments"]').waitFor();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  /** An Element Plus input or textarea: the data-test attribute lands on the element itself. */
  const input = (name: string) => page.locator(`input[data-test="${name}"], textarea[data-test="${name}"]`);

  /** A screenshot once the toasts are gone. */
  async function settledShot(name: string) {
    await expect.poll(() => page.locator(".el-message").count(), { timeout: 10_000 }).toBe(0);
    await shot(page, name);
  }

  /** Opens an Element Plus select and picks options by their exact text (a multiple select stays open). */
  async function pick(select: ReturnType<Page["locator"]>, ...options: string[]) {
    await select.click();
    for (const name of options) await page.getByRole("option", { name, exact: true }).filter({ visible: true }).click();
  }

  it("builds a segment in the rule builder; its live count is the API's preview count", async () => {
    await page.locator('[data-test="menu-segments"]').click();
    await page.locator('[data-test="segment-new"]').click();
    const conditions = page.locator('[data-test="rule-condition"]');
    // lifecycle is active …
    await pick(conditions.nth(0).locator('[data-test="rule-field"]'), "生命周期");
    await pick(conditions.nth(0).locator('[data-test="rule-values"]'), "活跃");
    await page.keyboard.press("Escape");
    // … and (R score at least 4, or an important value customer)
    await page.locator('[data-test="rule-group-1"] > .rule-group__actions [data-test="rule-add-group"]').click();
    const nested = page.locator('[data-test="rule-group-2"]');
    await pick(nested.locator('[data-test="rule-condition"]').nth(0).locator('[data-test="rule-field"]'), "RFM 分值");
    await nested.locator('[data-test="rule-min"] input').fill("4");
    await nested.locator('[data-test="rule-min"] input').press("Tab");
    await nested.locator('[data-test="rule-add-condition"]').click();
    await pick(
      nested.locator('[data-test="rule-condition"]').nth(1).locator('[data-test="rule-values"]'),
      "重要价值客户",
    );
    await page.keyboard.press("Escape");

    const rule = {
      all: [
        { field: "lifecycle", op: "in", values: ["active"] },
        {
          any: [
            { field: "score", dimension: "r", range: { min: 4 } },
            { field: "segment", op: "in", values: ["important_value"] },
          ],
        },
      ],
    };
    const api = await hq.post("/api/v1/segments/preview", { rule });
    expect(api.status).toBe(200);
    expect(api.body.count).toBeGreaterThan(0);
    const count = page.locator('[data-test="preview-count"]');
    await expect
      .poll(async () => `${await count.getAttribute("data-loading")} ${await count.textContent()}`, { timeout: 10_000 })
      .toBe(`false ${api.body.count.toLocaleString("en-US")}`);
    expect(await page.locator('[data-test="preview-sample"] .el-table__row').count()).toBe(
      Math.min(20, api.body.count),
    );

    // a save without a name is refused next to the field, then saved with one
    await page.locator('[data-test="segment-save"]').click();
    await expect.poll(() => page.locator(".el-form-item__error").count()).toBeGreaterThan(0);
    await input("segment-name").fill(segmentName);
    await page.locator('[data-test="segment-save"]').click();
    await page.waitForURL(/\/segments\/\d+$/);
    segmentId = Number(/\/segments\/(\d+)$/.exec(page.url())![1]);
    const [saved] = await server.ds.query("SELECT rule, last_count FROM segments WHERE id = ?", [segmentId]);
    expect(typeof saved.rule === "string" ? JSON.parse(saved.rule) : saved.rule).toEqual(rule);
    expect(num(saved.last_count)).toBe(api.body.count);
    await page.locator('[data-test="preview-sample"]').waitFor();
    await settledShot("admin-segments");
    expect(errors).toEqual([]);
  });

  it("writes a text material with a variable and previews it as a chat bubble", async () => {
    await page.locator('[data-test="menu-materials"]').click();
    await page.locator('[data-test="material-new"]').click();
    await input("material-title").fill(materialTitle);
    const text = input("material-text");
    await text.fill("，双11 福利已为您预留！");
    await text.press("Home"); // the caret at the start: the variable goes in front
    await page.locator('[data-test="variable-customer.name"]').click();
    expect(await text.inputValue()).toBe("{{customer.name}}，双11 福利已为您预留！");

    // the sample customer: the first one someone follows
    const [sample] = await server.ds.query(
      `SELECT c.name FROM customers c WHERE EXISTS (SELECT 1 FROM follow_relations f WHERE f.customer_id = c.id AND f.status = 'active')
        ORDER BY c.id LIMIT 1`,
    );
    const bubble = page.locator('[data-test="bubble-text"]');
    await expect.poll(() => bubble.textContent()).toBe(`${sample.name}，双11 福利已为您预留！`);
    await settledShot("admin-materials");
    await page.locator('[data-test="material-save"]').click();
    await page.locator('[data-test="material-editor"]').waitFor({ state: "detached" });
    const [row] = await server.ds.query("SELECT id, content FROM materials WHERE title = ?", [materialTitle]);
    materialId = num(row.id);
    await page.locator(`[data-test="material-row-${materialId}"]`).waitFor();
    expect(errors).toEqual([]);
  });

  it("creates and launches a campaign through the wizard with that segment and material", async () => {
    await page.locator('[data-test="menu-campaigns"]').click();
    await page.locator('[data-test="campaign-new"]').click();
    const next = page.locator('[data-test="wizard-next"]');
    await next.click(); // no name: the step refuses
    await page.locator('[data-test="wizard-problem"]').waitFor();
    await input("wizard-name").fill(campaignName);
    await input("wizard-goal").fill("唤醒活跃的高价值客户");
    await next.click();

    await page.locator('[data-test="wizard-step-audience"]').waitFor();
    // an uploaded list is offered too: two known customers and one stranger
    const known: { external_userid: string }[] = await server.ds.query(
      "SELECT external_userid FROM customers WHERE external_userid IS NOT NULL ORDER BY id LIMIT 2",
    );
    await page.getByRole("radio", { name: "上传的名单" }).click({ force: true });
    await page.locator('[data-test="wizard-list-file"]').setInputFiles({
      name: "vip.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(`external_userid\n${known.map((k) => k.external_userid).join("\n")}\nwm-nobody\n`),
    });
    await expect.poll(() => page.locator('[data-test="preview-count"]').textContent()).toBe("2");
    await page.getByRole("radio", { name: "已保存的分组" }).click({ force: true });
    await page.locator('[data-test="wizard-segment"]').click();
    await page.locator(`[data-test="wizard-segment-${segmentId}"]`).click();
    await next.click();

    await page.locator('[data-test="wizard-step-channel"]').waitFor();
    await page.locator('[data-test="variant-A"] [data-test="variant-material"]').click();
    await page.locator(`[data-test="material-option-${materialId}"]`).filter({ visible: true }).click();
    await next.click();

    await page.locator('[data-test="wizard-step-schedule"]').waitFor();
    await next.click();
    await page.locator('[data-test="wizard-review"]').waitFor();
    expect(await page.locator('[data-test="review-audience"]').textContent()).toContain(segmentName);
    await settledShot("admin-campaign-wizard");

    await page.locator('[data-test="wizard-launch"]').click();
    await page.locator(".el-message-box__btns .el-button--primary").click();
    await page.waitForURL(/\/campaigns\/\d+$/);
    campaignId = Number(/\/campaigns\/(\d+)$/.exec(page.url())![1]);
    const [c] = await server.ds.query("SELECT status, segment_id FROM campaigns WHERE id = ?", [campaignId]);
    expect(c.status).toBe("running");
    expect(num(c.segment_id)).toBe(segmentId);
    expect(errors).toEqual([]);
  });

  it("shows targets and progress, and follows the guides' sends while the campaign runs", async () => {
    const treated = num(
      (
        await server.ds.query("SELECT COUNT(*) AS n FROM targets WHERE campaign_id = ? AND is_control = 0", [
          campaignId,
        ])
      )[0].n,
    );
    expect(treated).toBeGreaterThan(2);
    await expect.poll(() => page.locator('[data-test="stat-targets"]').textContent()).toBe(String(treated));
    expect(await page.locator('[data-test="stat-sent"]').textContent()).toBe("0");
    expect(await page.locator('[data-test="campaign-status"]').getAttribute("data-status")).toBe("running");
    expect(await page.locator('[data-test="report-targets"]').textContent()).toBe(String(treated));
    await page.locator('[data-test="progress-table-store"]').waitFor();

    // two guides (or one guide twice) mark targets sent in the sidebar
    const pending: { id: unknown; userid: string }[] = await server.ds.query(
      `SELECT t.id, s.userid FROM targets t JOIN staff s ON s.id = t.staff_id
        WHERE t.campaign_id = ? AND t.status = 'pending' ORDER BY t.id LIMIT 2`,
      [campaignId],
    );
    for (const target of pending) {
      const guide = server.client();
      expect((await guide.post("/api/v1/sidebar/dev/login", { userid: target.userid })).status).toBeLessThan(300);
      expect((await guide.post(`/api/v1/sidebar/targets/${num(target.id)}/sent`, {})).status).toBe(204);
    }
    // the page polls while the campaign runs: no reload
    await expect.poll(() => page.locator('[data-test="stat-sent"]').textContent(), { timeout: 20_000 }).toBe("2");
    expect(await page.locator('[data-test="funnel-sent"]').textContent()).toContain("2");
    await page.waitForTimeout(300); // let the chart settle for the screenshot
    await settledShot("admin-campaign");
    expect(errors).toEqual([]);
  });

  it("pauses the campaign after a confirmation, and copies it into a draft that opens in the wizard", async () => {
    await page.locator('[data-test="campaign-pause"]').click();
    await page.locator(".el-message-box__btns .el-button--primary").click();
    await expect.poll(() => page.locator('[data-test="campaign-status"]').getAttribute("data-status")).toBe("paused");
    const [c] = await server.ds.query("SELECT status FROM campaigns WHERE id = ?", [campaignId]);
    expect(c.status).toBe("paused");
    await page.locator('[data-test="campaign-resume"]').waitFor();

    // a copy is a new draft, which opens in the wizard and saves with its changes
    await page.locator('[data-test="campaign-copy"]').click();
    await page.locator(".el-message-box__btns .el-button--primary").click();
    await page.waitForURL((url) => /\/campaigns\/\d+$/.test(url.pathname) && !url.pathname.endsWith(`/${campaignId}`));
    const copyId = Number(/\/campaigns\/(\d+)$/.exec(page.url())![1]);
    await expect.poll(() => page.locator('[data-test="campaign-status"]').getAttribute("data-status")).toBe("draft");
    await page.locator('[data-test="campaign-edit"]').click();
    await expect.poll(() => input("wizard-name").inputValue()).toBe(`${campaignName} (副本)`);
    await input("wizard-name").fill("双11 唤醒 第二轮");
    for (let i = 0; i < 4; i++) await page.locator('[data-test="wizard-next"]').click();
    await page.locator('[data-test="wizard-draft"]').click();
    await page.waitForURL(new RegExp(`/campaigns/${copyId}$`));
    const [copy] = await server.ds.query("SELECT name, status, segment_id FROM campaigns WHERE id = ?", [copyId]);
    expect(copy).toMatchObject({ name: "双11 唤醒 第二轮", status: "draft" });
    expect(num(copy.segment_id)).toBe(segmentId);
    expect(errors).toEqual([]);
  });

  it("creates an automation in the form and switches it off", async () => {
    await page.locator('[data-test="menu-automations"]').click();
    await page.locator('[data-test="automation-new"]').click();
    await input("automation-form-name").fill("新客 3 天跟进");
    await pick(page.locator('[data-test="automation-form-material"]'), materialTitle);
    await page.locator('[data-test="automation-form-save"]').click();
    await page.locator('[data-test="automation-form"]').waitFor({ state: "detached" });
    const [a] = await server.ds.query("SELECT id, enabled, kind FROM automations WHERE name = ?", ["新客 3 天跟进"]);
    expect(a.kind).toBe("after_added");
    expect(Boolean(num(a.enabled))).toBe(true);

    const toggle = page.locator(`[data-test="automation-switch-${num(a.id)}"]`);
    const switchRoot = toggle.locator('xpath=ancestor-or-self::div[contains(@class, "el-switch")][1]');
    expect(await switchRoot.getAttribute("class")).toContain("is-checked");
    await toggle.click();
    await expect
      .poll(async () =>
        num((await server.ds.query("SELECT enabled FROM automations WHERE id = ?", [num(a.id)]))[0].enabled),
      )
      .toBe(0);
    await expect.poll(() => switchRoot.getAttribute("class")).not.toContain("is-checked");
    await settledShot("admin-automations");
    expect(errors).toEqual([]);
  });

  it("shows the guides' sends on the dashboard and ranks them, each figure linking to its list", async () => {
    await page.locator('[data-test="menu-dashboard"]').click();
    // the sends above make today's bar: a chart instead of "no tasks"
    await page.locator('[data-test="task-trend"] canvas').waitFor();
    const top = page.locator('[data-test^="staff-completion-top-"]').first();
    await top.waitFor();
    const name = (await top.textContent())!.trim();
    await page.waitForTimeout(300); // let the charts settle for the screenshot
    await settledShot("admin-dashboard-with-tasks");
    await top.click();
    await page.waitForURL((url) => url.pathname === "/staff" && url.searchParams.has("q"));
    await expect.poll(() => page.locator('[data-test="staff-table"]').textContent()).toContain(name);

    await page.locator('[data-test="menu-dashboard"]').click();
    await page.locator('[data-test="lifecycle-active"]').click();
    await page.waitForURL((url) => url.pathname === "/customers" && url.searchParams.get("lifecycle") === "active");
    await page.locator('[data-test="customers-table"] .el-table__row').first().waitFor();

    // a period figure opens the list of exactly those customers
    await page.locator('[data-test="menu-dashboard"]').click();
    const kpi = page.locator('[data-test="kpi-newCustomers"]');
    const value = (await kpi.locator('[data-test="kpi-value"]').textContent())!.trim();
    await kpi.click();
    await page.waitForURL((url) => url.pathname === "/customers" && url.searchParams.has("addedFrom"));
    await page.locator('[data-test="customers-days-added"]').waitFor();
    await expect.poll(() => page.locator('[data-test="customers-total"]').textContent()).toContain(value);
    expect(errors).toEqual([]);
  });

  it("hides from a store manager what the server would refuse them", async () => {
    const manager = server.seeded!.users.find((u) => u.role === "store_manager")!;
    const ctx = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const mp = await ctx.newPage();
    const mErrors = watchErrors(mp);
    await mp.goto(`${server.url}/login`);
    await mp.locator('[data-test="login-username"] input').fill(manager.username);
    await mp.locator('[data-test="login-password"] input').fill(manager.password);
    await mp.locator('[data-test="login-submit"]').click();

    await mp.locator('[data-test="menu-segments"]').click();
    await mp.locator(`[data-test="segment-link-${segmentId}"]`).waitFor();
    expect(await mp.locator('[data-test="segment-new"]').count()).toBe(0);
    await mp.locator(`[data-test="segment-link-${segmentId}"]`).click();
    await mp.locator('[data-test="preview-count"]').waitFor();
    expect(await mp.locator('[data-test="segment-save"]').count()).toBe(0);

    await mp.locator('[data-test="menu-materials"]').click();
    await mp.locator(`[data-test="material-row-${materialId}"]`).waitFor();
    expect(await mp.locator('[data-test="material-new"]').count()).toBe(0);

    await mp.locator('[data-test="menu-automations"]').click();
    await mp.locator('[data-test="automations-table"] .el-table__row').first().waitFor();
    expect(await mp.locator('[data-test="automation-new"]').count()).toBe(0);
    expect(await mp.locator('[data-test^="automation-switch-"]').count()).toBe(0);

    // HQ's corp-wide campaign is visible to them (tasks in their stores) but not theirs to manage;
    // creating their own campaign stays open (inside their stores)
    await mp.goto(`${server.url}/campaigns/${campaignId}`);
    await mp.locator('[data-test="stat-targets"]').waitFor();
    expect(await mp.locator('[data-test="campaign-resume"]').count()).toBe(0);
    expect(await mp.locator('[data-test="campaign-cancel"]').count()).toBe(0);
    await mp.locator('[data-test="menu-campaigns"]').click();
    await mp.locator('[data-test="campaign-new"]').waitFor();
    expect(mErrors).toEqual([]);
    await ctx.close();
  });
});
