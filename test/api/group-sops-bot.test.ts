import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { CustomerGroup } from "../../server/src/modules/groups/group.entity.ts";
import { GROUP_SOPS_JOB } from "../../server/src/modules/group-sops/group-sop-jobs.ts";
import { MaterialsService } from "../../server/src/modules/materials/materials.service.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import { MockWorld } from "./bot-kit.ts";

/**
 * A group SOP that the bot may post by itself, wired as in production: the app's own bot
 * (Wechaty on PuppetMock) posts the rendered text into the mapped room, and the target is sent.
 */
describe(`group SOP posted by the bot (${testDialect()})`, () => {
  // Tuesday 2026-11-24 09:00 in Shanghai
  const clock = fixedClock(new Date("2026-11-24T01:00:00.000Z"));
  let s: TestServer;
  let world: MockWorld;

  beforeAll(async () => {
    world = new MockWorld();
    s = await startTestServer({
      clock,
      startJobs: false,
      bot: {
        puppetFactory: world.factory,
        pipeline: { batchSize: 10, flushIntervalMs: 10, highWater: 100 },
        reconnect: { firstDelayMs: 5, maxDelayMs: 20 },
      },
    });
  });
  afterAll(() => s.stop());

  it("posts the due SOP into the room the group maps to and marks the target sent", async () => {
    const g = given(s.ds);
    const store = await g.store();
    const leader = await g.staff({ userid: "leader-sop", name: "李娜", storeIds: [store.id] });
    const now = clock.now();
    const group = await s.ds.getRepository(CustomerGroup).save({
      chatId: "wrSopRoom@chatroom",
      name: "会员群",
      ownerStaffId: leader.id,
      ownerUserid: "leader-sop",
      notice: null,
      wecomStatus: 0,
      status: "active" as const,
      memberVersion: null,
      memberCount: 2,
      wecomCreatedAt: null,
      dismissedAt: null,
      syncedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    // the bot learns the room (mapped by chat id) from a member's message
    const owner = world.contact("leader-sop", "李娜");
    const amy = world.contact("wmAmy", "amy");
    const room = world.room("wrSopRoom@chatroom", "会员群", owner, [amy]);
    const admin = s.client();
    const user = await g.user({ role: "hq_admin" });
    expect((await admin.post("/api/v1/auth/login", { username: user.username, password: user.password })).status).toBe(
      200,
    );
    for (let i = 0; i < 200 && !(await admin.get("/api/v1/bot/status")).body.status.loggedIn; i++)
      await new Promise((r) => setTimeout(r, 25));
    world.say("m-sop-1", amy, room, new Date());
    let mapped = false;
    for (let i = 0; i < 200 && !mapped; i++) {
      const rows = await s.ds.query("SELECT group_id FROM bot_rooms WHERE room_id = ?", ["wrSopRoom@chatroom"]);
      mapped = rows.length > 0 && num(rows[0].group_id) === group.id;
      if (!mapped) await new Promise((r) => setTimeout(r, 25));
    }
    expect(mapped).toBe(true);

    const material = await new MaterialsService(s.ds, clock).save(
      { title: "小贴士", content: { type: "text", text: "{{staff.name}}：今日护肤小贴士" } },
      null,
    );
    const created = await admin.post("/api/v1/group-sops", {
      name: "每日小贴士",
      materialId: material.id,
      targets: { kind: "groups", groupIds: [group.id] },
      schedule: "0 10 * * *",
      dueHours: 4,
      botAutoPost: true,
    });
    expect(created.status).toBe(201);

    clock.set(new Date("2026-11-24T02:01:00.000Z"));
    await s.jobs.runNow(GROUP_SOPS_JOB);

    const [run] = (await admin.get(`/api/v1/group-sops/${created.body.id}/runs`)).body.items;
    expect(run).toMatchObject({ botPosted: 1, botFailed: 0, targets: { pending: 0, sent: 1 } });
    const posted = [...world.mocker.cacheMessagePayload.values()].filter(
      (m) => m.talkerId === world.self.id && m.roomId === "wrSopRoom@chatroom",
    );
    expect(posted.map((m) => m.text)).toEqual(["李娜：今日护肤小贴士"]);
  });
});
