import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { num } from "../../server/src/db/dialect.ts";
import { launchBrowser, shot, watchErrors } from "../support/browser.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

const fmt = (n: number) => n.toLocaleString("en-US");

describe("the demo in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    // the real first start: empty database, simulator mode, demo seeded by the server itself
    server = await startTestServer({ env: { SEED_DEMO_ON_START: "true" } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  const count = async (sql: string) => num((await server.ds.query(sql))[0].n);

  it("signs HQ in and shows the seeded corp on the dashboard", async () => {
    const admin = server.seeded!.users.find((u) => u.role === "hq_admin")!;
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/`);
    await page.waitForURL(/\/login/);
    await shot(page, "admin-login");

    await page.locator('[data-test="login-username"] input').fill(admin.username);
    await page.locator('[data-test="login-password"] input').fill("wrong-password");
    await page.locator('[data-test="login-submit"]').click();
    await expect.poll(() => page.locator('[data-test="login-error"]').textContent()).toBeTruthy();

    await page.locator('[data-test="login-password"] input').fill(admin.password);
    await page.locator('[data-test="login-submit"]').click();
    const customers = page.locator('[data-test="count-customers"]');
    await customers.waitFor();
    await expect.poll(() => customers.textContent()).toContain(fmt(await count("SELECT COUNT(*) AS n FROM customers")));
    expect(await page.locator('[data-test="count-orders"]').textContent()).toContain(
      fmt(await count("SELECT COUNT(*) AS n FROM orders WHERE status = 'paid'")),
    );
    expect(await page.locator('[data-test="count-groups"]').textContent()).toContain(
      fmt(await count("SELECT COUNT(*) AS n FROM customer_groups WHERE status = 'active'")),
    );
    expect(await page.locator('[data-test="count-stores"]').textContent()).toContain("3");
    expect(await page.locator('[data-test="current-user"]').textContent()).toBeTruthy();
    await page.waitForTimeout(300); // let the chart settle for the screenshot
    await shot(page, "admin-dashboard");
    expect(errors).toEqual([]);

    // the WeCom sync page: one click, a moving bar, the result against the simulator
    await page.locator('[data-test="menu-wecomSync"]').click();
    await page.locator('[data-test="sync-start"]').click();
    await expect
      .poll(() => page.locator('[data-test="sync-status"]').textContent(), { timeout: 30_000 })
      .toContain("已完成");
    const run = (await server.ds.query("SELECT counts FROM sync_runs ORDER BY id DESC LIMIT 1"))[0];
    const synced = JSON.parse(run.counts);
    expect(synced.staff).toBe(15);
    const countsText = await page.locator('[data-test="sync-counts"]').textContent();
    for (const n of [synced.staff, synced.customers, synced.relations, synced.groups, synced.members])
      expect(countsText).toContain(String(n));
    await page.waitForTimeout(800); // the progress bar animates to its width
    await shot(page, "admin-wecom-sync");
    expect(errors).toEqual([]);

    await page.locator('[data-test="logout"]').click();
    await page.waitForURL(/\/login/);
    await page.close();
  });

  it("signs a guide in through the dev bridge and shows their customers in the sidebar", async () => {
    const ctx = await browser.newContext({
      viewport: { width: 375, height: 667 },
      isMobile: true,
      hasTouch: true,
      deviceScaleFactor: 2,
    });
    const page = await ctx.newPage();
    const errors = watchErrors(page);
    await page.goto(`${server.url}/sidebar/`);
    const picker = page.locator('[data-test="dev-staff-picker"]');
    await picker.waitFor();
    await shot(page, "sidebar-dev-login");

    const [guide] = await server.ds.query(
      `SELECT s.id, s.userid, s.name, COUNT(f.id) AS n FROM staff s JOIN follow_relations f ON f.staff_id = s.id AND f.status = 'active'
        WHERE s.kind = 'guide' GROUP BY s.id, s.userid, s.name ORDER BY s.userid LIMIT 1`,
    );
    await page.locator(`[data-test="dev-staff-${guide.userid}"]`).click();
    await page.locator('[data-test="staff-name"]').waitFor();
    expect(await page.locator('[data-test="staff-name"]').textContent()).toContain(guide.name);
    await expect.poll(() => page.locator('[data-test="customer-count"]').textContent()).toBe(String(num(guide.n)));
    await shot(page, "sidebar-home");
    expect(errors).toEqual([]);
    await ctx.close();
  });

  it("keeps a guide's account out of the admin center with a message that points to the sidebar", async () => {
    const guide = await given(server.ds).user({ role: "staff", username: "guide.demo" });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await page.goto(`${server.url}/login`);
    await page.locator('[data-test="login-username"] input').fill(guide.username);
    await page.locator('[data-test="login-password"] input').fill(guide.password);
    await page.locator('[data-test="login-submit"]').click();
    await expect.poll(() => page.locator('[data-test="login-error"]').textContent()).toContain("聊天侧边栏");
    expect(new URL(page.url()).pathname).toBe("/login");
    await page.goto(`${server.url}/customers`);
    await page.waitForURL(/\/login/);
    await shot(page, "admin-guide-refused");
    await page.close();
  });
});
