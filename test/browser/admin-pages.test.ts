import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { ARTIFACTS, launchBrowser, shot } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

/**
 * Every admin page on the demo corp as HQ: each menu entry is opened, the page's first data is
 * awaited, its time is logged (no assertion on it: machines differ) and a screenshot saved as an
 * artifact; any console error or failed API call fails the walk. Then two journeys of issue 7:
 * an RFM setting changed (with its preview) and recomputed, and a CSV import with one bad row
 * whose error report is downloaded and read.
 */

/** What "first data" looks like on a page, beyond "no request in flight and no skeleton left". */
const READY: Record<string, string> = {
  "/": '[data-test="kpi-customers"] [data-test="kpi-value"]',
  "/customers": '[data-test="customers-table"] .el-table__row',
  "/tags": '[data-test^="tag-group-"]',
  "/rfm": '[data-test="rfm-settings"]',
  "/campaigns": '[data-test="campaigns-table"]',
  "/stores": '[data-test="stores-table"] .el-table__row',
  "/staff": '[data-test="staff-table"] .el-table__row',
  "/audit": '[data-test="audit-table"]',
  "/settings": '[data-test="settings-page"]',
};

/** Watches a page: console errors, failed API calls, and the API requests still in flight. */
function watch(page: Page) {
  const problems: string[] = [];
  let inflight = 0;
  const isApi = (url: string) => new URL(url).pathname.startsWith("/api/");
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
  page.on("request", (r) => {
    if (isApi(r.url())) inflight++;
  });
  page.on("requestfinished", async (r) => {
    if (!isApi(r.url())) return;
    inflight--;
    const res = await r.response();
    if (res && res.status() >= 400) problems.push(`${res.status()} ${r.method()} ${r.url()}`);
  });
  page.on("requestfailed", (r) => {
    if (!isApi(r.url())) return;
    inflight--;
    // a request the page itself aborted (it moved on) is not a failure
    if (!/aborted|cancel/i.test(r.failure()?.errorText ?? "")) problems.push(`failed: ${r.url()}`);
  });
  return { problems, inflight: () => inflight };
}

/** Waits until the ready selector shows, no API request is in flight and no skeleton is left. */
async function firstData(page: Page, inflight: () => number, ready: string | undefined): Promise<void> {
  if (ready)
    await page
      .locator(ready)
      .first()
      .waitFor({ timeout: 20_000 })
      .catch(async (err) => {
        await shot(page, `timeout-${new URL(page.url()).pathname.replace(/\W/g, "_")}`);
        throw err;
      });
  for (let quiet = 0; quiet < 2;) {
    await page.waitForTimeout(25);
    const skeletons = await page.locator(".el-skeleton__item:visible, .el-loading-mask:visible").count();
    quiet = inflight() === 0 && skeletons === 0 ? quiet + 1 : 0;
  }
}

describe("every admin page on the demo corp", () => {
  let server: TestServer;
  let browser: Browser;
  let page: Page;
  let watcher: ReturnType<typeof watch>;

  beforeAll(async () => {
    server = await startTestServer({ env: { SEED_DEMO_ON_START: "true" } });
    browser = await launchBrowser();
    const admin = server.seeded!.users.find((u) => u.role === "hq_admin")!;
    page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    watcher = watch(page);
    await page.goto(`${server.url}/login`);
    await page.locator('[data-test="login-username"] input').fill(admin.username);
    await page.locator('[data-test="login-password"] input').fill(admin.password);
    await page.locator('[data-test="login-submit"]').click();
    await page.locator('[data-test="current-user"]').waitFor();
    // before sign-in the app's session probe answers 401 (and the browser asks for a favicon)
    watcher.problems.length = 0;
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("opens each menu page, shows its first data, and saves a screenshot", async () => {
    const entries = await page
      .locator('.el-menu-item[data-test^="menu-"]')
      .evaluateAll((els) => els.map((e) => e.getAttribute("data-test")!.slice("menu-".length)));
    expect(entries.length).toBeGreaterThanOrEqual(14);
    const timings: { page: string; path: string; ms: number }[] = [];
    for (const entry of entries) {
      const item = page.locator(`[data-test="menu-${entry}"]`);
      const here = new URL(page.url()).pathname;
      const active = ((await item.getAttribute("class")) ?? "").includes("is-active");
      const started = Date.now();
      // the page already open (the dashboard after sign-in) is timed from a fresh load
      if (active) await page.goto(page.url());
      else {
        await item.click();
        // the route changes once the page's code has loaded
        await page.waitForURL((u) => u.pathname !== here);
      }
      const path = new URL(page.url()).pathname;
      await firstData(page, watcher.inflight, READY[path]);
      timings.push({ page: entry, path, ms: Date.now() - started });
      await page.waitForTimeout(150); // charts finish their first paint
      await shot(page, `page-${entry}`);
      expect(watcher.problems, entry).toEqual([]);
    }
    // the pages behind a click: a campaign's page and the campaign wizard
    for (const [name, open] of [
      ["campaign-detail", () => page.locator('[data-test^="campaign-link-"]').first().click()],
      ["campaign-new", () => page.locator('[data-test="campaign-new"]').click()],
    ] as const) {
      await page.locator('[data-test="menu-campaigns"]').click();
      await firstData(page, watcher.inflight, READY["/campaigns"]);
      if (name === "campaign-detail" && !(await page.locator('[data-test^="campaign-link-"]').count())) continue;
      const started = Date.now();
      await open();
      await page.waitForURL((u) => u.pathname !== "/campaigns");
      await firstData(page, watcher.inflight, undefined);
      timings.push({ page: name, path: new URL(page.url()).pathname, ms: Date.now() - started });
      await page.waitForTimeout(150);
      await shot(page, `page-${name}`);
      expect(watcher.problems, name).toEqual([]);
    }
    // a customer's profile drawer (orders and spend per month, outreach history)
    await page.locator('[data-test="menu-customers"]').click();
    await firstData(page, watcher.inflight, READY["/customers"]);
    const started = Date.now();
    await page.locator('[data-test^="customer-row-"]').first().click();
    await page.locator('[data-test="profile-outreach"]').waitFor();
    await firstData(page, watcher.inflight, '[data-test="profile-trend"]');
    timings.push({ page: "customer-profile", path: "/customers", ms: Date.now() - started });
    await page.waitForTimeout(300); // the drawer slides in
    await shot(page, "page-customer-profile");
    expect(watcher.problems, "customer-profile").toEqual([]);
    await page.keyboard.press("Escape");
    writeFileSync(join(ARTIFACTS, "page-timings.json"), JSON.stringify(timings, null, 2));
    console.log(
      "time to first data on the demo corp:\n" + timings.map((x) => `  ${x.page.padEnd(16)} ${x.ms} ms`).join("\n"),
    );
  });

  it("changes an RFM setting after previewing it, and recomputes to the end", async () => {
    await page.locator('[data-test="menu-rfm"]').click();
    await firstData(page, watcher.inflight, READY["/rfm"]);
    const churn = page.locator('[data-test="rfm-churnDays"] input');
    await churn.fill("120");
    await churn.blur();
    await page.locator('[data-test="rfm-preview-run"]').click();
    const summary = page.locator('[data-test="rfm-preview-summary"]');
    await expect.poll(() => summary.textContent()).toMatch(/\d+ 位客户会变化/);
    await shot(page, "journey-rfm-preview");
    await page.locator('[data-test="rfm-save"]').click();
    await expect
      .poll(async () => (await server.ds.query("SELECT value FROM settings WHERE name = 'rfm'"))[0]?.value ?? "")
      .toContain('"churnDays":120');
    const before = Number((await server.ds.query("SELECT MAX(id) AS n FROM rfm_computations"))[0].n);
    await page.locator('[data-test="rfm-recompute"]').click();
    await expect
      .poll(() => page.locator('[data-test="rfm-status"]').textContent(), { timeout: 60_000 })
      .toContain("已完成");
    const [latest] = await server.ds.query(
      "SELECT id, status, settings FROM rfm_computations ORDER BY id DESC LIMIT 1",
    );
    expect(Number(latest.id)).toBeGreaterThan(before);
    expect(latest.status).toBe("done");
    expect(latest.settings).toContain('"churnDays":120');
    await shot(page, "journey-rfm-recomputed");
    expect(watcher.problems).toEqual([]);
  });

  it("imports a CSV with one bad row and reads the error report", async () => {
    await page.locator('[data-test="menu-imports"]').click();
    await firstData(page, watcher.inflight, '[data-test="import-format"]');
    await page.locator('[data-test="import-kind-orders"]').click();
    const csv = [
      "order_no,customer_ref,paid_at,amount,refund_amount,status,store_code",
      "BROWSER-1,13800000001,2026-11-01T10:00:00+08:00,128.50,,paid,",
      "BROWSER-2,13800000002,2026-11-01T11:00:00+08:00,12.345,,paid,",
      "BROWSER-3,13800000003,2026-11-02T09:30:00+08:00,66.00,6.00,paid,",
    ].join("\n");
    await page.locator('[data-test="import-file"]').setInputFiles({
      name: "orders-one-bad-row.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await expect
      .poll(() => page.locator('[data-test="import-status"]').textContent(), { timeout: 30_000 })
      .toContain("已完成");
    const report = page.locator('[data-test="import-error-report"]');
    await report.waitFor();
    await shot(page, "journey-import-error");
    const [download] = await Promise.all([page.waitForEvent("download"), report.click()]);
    const text = readFileSync((await download.path())!, "utf8").replace(/^\uFEFF/, "");
    const lines = text.trim().split(/\r?\n/);
    expect(lines[0]).toBe("line,column,reason,raw");
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/^3,amount,/);
    expect(lines[1]).toContain("BROWSER-2");
    const orders = await server.ds.query(
      "SELECT order_no FROM orders WHERE order_no LIKE 'BROWSER-%' ORDER BY order_no",
    );
    expect(orders.map((o: { order_no: string }) => o.order_no)).toEqual(["BROWSER-1", "BROWSER-3"]);
    expect(watcher.problems).toEqual([]);
  });

  it("shows a tag's WeCom mirror state: pending once switched on, mirrored after the mirror ran", async () => {
    const [tag] = await server.ds.query("SELECT id FROM tags WHERE code = 'rfm:important_value'");
    const id = Number(tag.id);
    await page.locator('[data-test="menu-tags"]').click();
    await firstData(page, watcher.inflight, READY["/tags"]);
    expect(await page.locator(`[data-test="tag-mirror-state-${id}"]`).count()).toBe(0);
    await page.locator(`[data-test="tag-mirror-${id}"]`).click();
    const state = page.locator(`[data-test="tag-mirror-state-${id}"]`);
    await expect.poll(() => state.textContent()).toContain("待同步");

    const report = await server.app.services.wecom!.tagMirror.run();
    expect(report.failed).toBe(0);
    await page.reload();
    await expect.poll(() => state.textContent()).toContain("已同步");
    await shot(page, "journey-tag-mirror");
    expect(watcher.problems).toEqual([]);
  });
});
