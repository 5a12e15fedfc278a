import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { num } from "../../server/src/db/dialect.ts";
import { launchBrowser, shot, watchErrors } from "../support/browser.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { MockWorld } from "../api/bot-kit.ts";

/** The group bot in the admin: its state, and a room it could not map, mapped by hand. */
describe("the group bot page on the demo corp", () => {
  let server: TestServer;
  let browser: Browser;
  const world = new MockWorld();
  beforeAll(async () => {
    server = await startTestServer({
      env: { SEED_DEMO_ON_START: "true" },
      bot: {
        puppetFactory: world.factory,
        pipeline: { batchSize: 10, flushIntervalMs: 10, highWater: 100 },
        reconnect: { firstDelayMs: 5, maxDelayMs: 20 },
      },
    });
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
  });

  it("reports an unmapped room with its counts, and maps it to a group", async () => {
    // a room no group matches (no chat id, an unknown topic): the bot keeps counting it
    const owner = world.contact("stranger-owner", "陌生群主");
    const amy = world.contact("wmStrangerAmy", "amy");
    const room = world.room("wrUnknownRoom@chatroom", "未登记的群", owner, [amy]);
    for (let i = 0; i < 100 && !world.puppets.at(-1)?.isLoggedIn; i++) await new Promise((r) => setTimeout(r, 25));
    world.say("stranger-1", amy, room, new Date());
    world.say("stranger-2", amy, room, new Date());
    for (let i = 0; i < 200; i++) {
      const rows = await server.ds.query(
        `SELECT SUM(d.messages) AS n FROM bot_rooms r JOIN bot_room_days d ON d.bot_room_id = r.id WHERE r.room_id = ?`,
        ["wrUnknownRoom@chatroom"],
      );
      if (num(rows[0]?.n) === 2) break;
      await new Promise((r) => setTimeout(r, 25));
    }

    const admin = server.seeded!.users.find((u) => u.role === "hq_admin")!;
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    const errors = watchErrors(page);
    await page.goto(`${server.url}/login`);
    await page.locator('[data-test="login-username"] input').fill(admin.username);
    await page.locator('[data-test="login-password"] input').fill(admin.password);
    await page.locator('[data-test="login-submit"]').click();
    await page.locator('[data-test="current-user"]').waitFor();
    await page.goto(`${server.url}/groups/bot`);
    await page.locator('[data-test="bot-rooms"] .el-table__row').first().waitFor();
    expect(await page.locator('[data-test="bot-state"]').innerText()).toMatch(/运行中/);
    expect(await page.locator('[data-test="bot-unmapped"]').innerText()).toBe("1");
    const row = page.locator('[data-test="bot-rooms"] .el-table__row', { hasText: "未登记的群" });
    await expect.poll(() => row.locator("td").nth(2).innerText()).toBe("2");
    await expect.poll(() => row.locator('[data-test="bot-unmapped-tag"]').count()).toBe(1);
    await shot(page, "admin-bot");

    // map it to a demo group by hand
    const [group] = await server.ds.query("SELECT id, name FROM customer_groups ORDER BY id LIMIT 1");
    await row.locator('[data-test="bot-edit"]').click();
    await row.locator('[data-test="bot-group-select"] input').fill(String(group.name));
    await page
      .locator(".el-select-dropdown__item", { hasText: String(group.name) })
      .first()
      .click();
    await row.locator('[data-test="bot-save"]').click();
    await expect
      .poll(async () =>
        num(
          (await server.ds.query("SELECT group_id FROM bot_rooms WHERE room_id = ?", ["wrUnknownRoom@chatroom"]))[0]
            ?.group_id,
        ),
      )
      .toBe(num(group.id));
    await expect.poll(() => page.locator('[data-test="bot-rooms"]').innerText()).toContain(String(group.name));
    expect(errors).toEqual([]);
  });
});
