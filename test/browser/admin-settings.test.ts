import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { given } from "../support/given.ts";
import { launchBrowser, shot, watchErrors } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

const SECRET = "browser-secret-0123456789-QRST";

describe("admin center security and administration pages in a browser", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer();
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  async function signIn(page: Page, username: string, password: string) {
    await page.goto(`${server.url}/login`);
    await page.locator('[data-test="login-username"] input').fill(username);
    await page.locator('[data-test="login-password"] input').fill(password);
    await page.locator('[data-test="login-submit"]').click();
    await page.locator('[data-test="current-user"]').waitFor();
  }

  it("lets HQ set WeCom secrets, read the audit log and the staff, and change the password", async () => {
    const a = await given(server.ds).store({ code: "SH01", name: "静安店" });
    const b = await given(server.ds).store({ code: "SH02", name: "徐汇店" });
    await given(server.ds).staff({ name: "李娜", userid: "li.na", storeIds: [a.id] });
    await given(server.ds).staff({ name: "王芳", userid: "wang.fang", storeIds: [b.id] });
    const admin = await given(server.ds).user({ role: "hq_admin", username: "hq.admin" });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors = watchErrors(page);
    await signIn(page, "hq.admin", admin.password);

    // settings: a secret goes in, only its mask comes back
    await page.locator('[data-test="menu-settings"]').click();
    await page.locator('input[data-test="wecom-corpId"]').fill("ww0123456789abcdef");
    await page.locator('input[data-test="wecom-agentId"]').fill("1000002");
    await page.locator('input[data-test="wecom-secret"]').fill(SECRET);
    await page.locator('input[data-test="wecom-callbackAesKey"]').fill("short");
    expect(await page.locator('[data-test="wecom-save"]').isDisabled()).toBe(true);
    await page.locator('input[data-test="wecom-callbackAesKey"]').fill("A1".repeat(21) + "z");
    await page.locator('[data-test="wecom-save"]').click();
    await expect.poll(() => page.locator('[data-test="wecom-secret-masked"]').textContent()).toContain("****QRST");
    expect(await page.locator('input[data-test="wecom-secret"]').inputValue()).toBe("");
    expect(await page.locator('input[data-test="wecom-callback-url"]').inputValue()).toMatch(/\/wecom\/callback$/);
    expect(await page.content()).not.toContain(SECRET);
    // an API key, shown once
    await page.locator('input[data-test="api-key-name"]').fill("ERP nightly");
    await page.locator('[data-test="api-key-create"]').click();
    await expect.poll(() => page.locator('[data-test="api-key-secret"]').textContent()).toMatch(/^sk_live_/);
    await page.waitForTimeout(300); // messages fade in
    await shot(page, "admin-settings");

    // the audit log shows both changes by this user
    await page.locator('[data-test="menu-audit"]').click();
    const table = page.locator('[data-test="audit-table"]');
    await expect.poll(() => table.textContent()).toContain("settings.wecom.update");
    expect(await table.textContent()).toContain("api_key.create");
    expect(await table.textContent()).toContain("hq.admin");
    expect(await table.textContent()).not.toContain(SECRET);
    await shot(page, "admin-audit");

    // stores and staff
    await page.locator('[data-test="menu-stores"]').click();
    await expect.poll(() => page.locator('[data-test="stores-table"]').textContent()).toContain("徐汇店");
    await page.locator('[data-test="store-staff-SH01"]').click();
    const staff = page.locator('[data-test="staff-table"]');
    await expect.poll(() => staff.textContent()).toContain("李娜");
    expect(await staff.textContent()).not.toContain("王芳");
    await shot(page, "admin-staff");

    // change the password from the user menu, sign out, sign in with the new one
    await page.locator('[data-test="current-user"]').click();
    await page.locator('[data-test="change-password"]').click();
    await page.locator('input[data-test="password-current"]').fill("not-the-password");
    await page.locator('input[data-test="password-new"]').fill("a-new-password-7");
    await page.locator('input[data-test="password-confirm"]').fill("a-new-password-7");
    await page.locator('[data-test="password-submit"]').click();
    await expect.poll(() => page.locator('[data-test="password-dialog"]').textContent()).toContain("当前密码不正确");
    await page.locator('input[data-test="password-current"]').fill(admin.password);
    await page.locator('[data-test="password-submit"]').click();
    await page.locator('[data-test="password-dialog"]').waitFor({ state: "hidden" });
    // the session goes on after the change (with its new CSRF token)
    await page.locator('[data-test="menu-audit"]').click();
    await expect.poll(() => table.textContent()).toContain("user.password_change");
    await page.locator('[data-test="logout"]').click();
    await page.waitForURL(/\/login/);
    await page.locator('[data-test="login-username"] input').fill("hq.admin");
    await page.locator('[data-test="login-password"] input').fill(admin.password);
    await page.locator('[data-test="login-submit"]').click();
    await expect.poll(() => page.locator('[data-test="login-error"]').textContent()).toBeTruthy();
    await signIn(page, "hq.admin", "a-new-password-7");
    expect(errors).toEqual([]);
    await page.close();
  });

  it("gives a store manager only their stores and staff, and no settings or audit", async () => {
    const mine = await given(server.ds).store({ code: "BJ01", name: "朝阳店" });
    await given(server.ds).staff({ name: "赵敏", userid: "zhao.min", storeIds: [mine.id] });
    const manager = await given(server.ds).user({
      role: "store_manager",
      username: "bj.manager",
      storeCodes: ["BJ01"],
    });
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    await signIn(page, "bj.manager", manager.password);
    expect(await page.locator('[data-test="menu-settings"]').count()).toBe(0);
    expect(await page.locator('[data-test="menu-audit"]').count()).toBe(0);
    await page.locator('[data-test="menu-staff"]').click();
    const staff = page.locator('[data-test="staff-table"]');
    await expect.poll(() => staff.textContent()).toContain("赵敏");
    expect(await staff.textContent()).not.toContain("李娜");
    await page.locator('[data-test="menu-stores"]').click();
    const stores = page.locator('[data-test="stores-table"]');
    await expect.poll(() => stores.textContent()).toContain("朝阳店");
    expect(await stores.textContent()).not.toContain("静安店");
    await page.close();
  });
});
