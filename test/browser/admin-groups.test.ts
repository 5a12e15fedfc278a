import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { num } from "../../server/src/db/dialect.ts";
import { launchBrowser, shot, watchErrors } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";

/** Pixels of the chart's plot area (below the legend) drawn in ECharts' first series colour (#5470c6). */
const seriesPixels = (page: Page, selector: string) =>
  page.locator(`${selector} canvas`).evaluate((c) => {
    const canvas = c as HTMLCanvasElement;
    const top = Math.ceil(40 * window.devicePixelRatio);
    const { data } = canvas.getContext("2d")!.getImageData(0, top, canvas.width, canvas.height - top);
    let n = 0;
    for (let i = 0; i < data.length; i += 4)
      if (Math.abs(data[i]! - 84) < 24 && Math.abs(data[i + 1]! - 112) < 24 && Math.abs(data[i + 2]! - 198) < 24) n++;
    return n;
  });

describe("the groups pages on the demo corp", () => {
  let server: TestServer;
  let browser: Browser;
  beforeAll(async () => {
    server = await startTestServer({ env: { SEED_DEMO_ON_START: "true" } });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("lists the groups with their figures and charts 60 days of a group's activity", async () => {
    const admin = server.seeded!.users.find((u) => u.role === "hq_admin")!;
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/login`);
    await page.locator('[data-test="login-username"] input').fill(admin.username);
    await page.locator('[data-test="login-password"] input').fill(admin.password);
    await page.locator('[data-test="login-submit"]').click();
    await page.locator('[data-test="current-user"]').waitFor();

    await page.locator('[data-test="menu-groups"]').click();
    await page.waitForURL(/\/groups$/);
    const links = page.locator('[data-test="group-link"]');
    await links.first().waitFor();
    expect(await links.count()).toBe(20);
    // every demo group has a health score, and WeCom's per-owner figures are listed apart
    expect(await page.locator('[data-test="groups-table"] [data-test="group-health"]').count()).toBe(20);
    expect(await page.locator('[data-test="groups-table"]').textContent()).not.toContain("未计算");
    await expect.poll(() => page.locator('[data-test="group-wecom-owners"] tbody tr').count()).toBeGreaterThan(0);
    await page.waitForTimeout(150); // let the table settle for the screenshot
    await shot(page, "admin-groups");

    const name = (await links.first().textContent())!.trim();
    await links.first().click();
    await page.waitForURL(/\/groups\/\d+$/);
    const id = Number(new URL(page.url()).pathname.split("/").pop());
    expect(await page.locator('[data-test="group-name"]').textContent()).toContain(name);
    const messages = page.locator('[data-test="group-trend-messages"]');
    await messages.waitFor();
    // 60 days of the bot's figures, and the 30 days of WeCom's the first pull fetched
    const botDays = num(
      (
        await server.ds.query(
          "SELECT COUNT(*) AS n FROM group_activity_daily WHERE group_id = ? AND source = 'bot' AND day < ?",
          [id, new Date(Date.now() + 8 * 3600_000).toISOString().slice(0, 10)],
        )
      )[0].n,
    );
    expect(botDays).toBe(60);
    expect(await messages.getAttribute("data-bot-points")).toBe("60");
    expect(await messages.getAttribute("data-wecom-points")).toBe("30");
    for (const m of ["activeMembers", "joins", "leaves"])
      expect(await page.locator(`[data-test="group-trend-${m}"]`).getAttribute("data-bot-points")).toBe("60");
    // the line is on the canvas, not just in the option
    await expect.poll(() => seriesPixels(page, '[data-test="group-trend-messages"]')).toBeGreaterThan(300);
    const members = num(
      (await server.ds.query("SELECT COUNT(*) AS n FROM group_members WHERE group_id = ?", [id]))[0].n,
    );
    expect(await page.locator('[data-test="group-members"] tbody tr').count()).toBe(members);
    await page.waitForTimeout(300); // let the charts settle for the screenshot
    await shot(page, "admin-group");
    expect(errors).toEqual([]);
    await page.close();
  });
});
