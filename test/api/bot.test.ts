import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EventEmitter } from "node:events";
import { num } from "../../server/src/db/dialect.ts";
import { CustomerGroup, GroupMember } from "../../server/src/modules/groups/group.entity.ts";
import { businessDay } from "../../server/src/modules/bot/bot-events.ts";
import { given } from "../support/given.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import { MockWorld } from "./bot-kit.ts";

/**
 * The group bot end to end: PuppetMock rooms, contacts and messages go through Wechaty, the
 * runner, the batched pipeline and the database, and come out in the per-day group figures, the
 * members' message counts (hence the RFM group tags) and the admin's /api/v1/bot routes.
 */
const DAY = 86_400_000;
const NOW = Date.now();
// two business days back, at Shanghai noon (04:00 UTC): whole days, far from midnight
const day1 = new Date(Math.floor((NOW - 2 * DAY) / DAY) * DAY + 4 * 3600_000);
const day2 = new Date(day1.getTime() + DAY);
const at = (base: Date, minutes: number) => new Date(base.getTime() + minutes * 60_000);

describe(`group bot with a mock puppet (${testDialect()})`, () => {
  let s: TestServer;
  let world: MockWorld;
  let hq: HttpClient;
  const groups: Record<string, CustomerGroup> = {};
  const customers: Record<string, number> = {};
  let storeCode: string;

  const signIn = async (role: "hq_admin" | "hq_operator" | "store_manager", storeCodes: string[] = []) => {
    const user = await given(s.ds).user({ role, storeCodes });
    const client = s.client();
    expect((await client.post("/api/v1/auth/login", { username: user.username, password: user.password })).status).toBe(
      200,
    );
    return client;
  };
  const status = async () => (await hq.get("/api/v1/bot/status")).body.status;
  /** polls (no timing assertion): until the bot has written `events` events in all */
  const written = async (events: number) => {
    for (let i = 0; i < 400; i++) {
      const st = await status();
      if (st.pipeline && st.pipeline.buffered === 0 && st.pipeline.counted + st.pipeline.duplicates >= events)
        return st;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`the bot did not write ${events} events: ${JSON.stringify(await status())}`);
  };
  const until = async (what: string, ok: (st: any) => boolean) => {
    for (let i = 0; i < 400; i++) {
      const st = await status();
      if (ok(st)) return st;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error(`bot never ${what}: ${JSON.stringify(await status())}`);
  };
  const daily = async (groupId: number) =>
    (
      await s.ds.query(
        `SELECT day, messages, active_members, joins, leaves FROM group_activity_daily
          WHERE group_id = ? AND source = 'bot' ORDER BY day`,
        [groupId],
      )
    ).map((r: Record<string, unknown>) => ({
      day: String(r.day),
      messages: num(r.messages),
      activeMembers: num(r.active_members),
      joins: num(r.joins),
      leaves: num(r.leaves),
    }));
  const member = (groupId: number, memberId: string) =>
    s.ds.getRepository(GroupMember).findOneByOrFail({ groupId, memberId });

  beforeAll(async () => {
    world = new MockWorld();
    s = await startTestServer({
      bot: {
        puppetFactory: world.factory,
        pipeline: { batchSize: 25, flushIntervalMs: 10, highWater: 500 },
        reconnect: { firstDelayMs: 5, maxDelayMs: 20 },
      },
    });
    hq = await signIn("hq_admin");
    const g = given(s.ds);
    const store = await g.store();
    storeCode = store.code;
    const leader = await g.staff({ userid: "leader1", storeIds: [store.id] });
    const other = await g.staff({ userid: "leader2" });
    const group = (chatId: string, name: string, ownerStaffId: number, ownerUserid: string) =>
      g.group({ id: ownerStaffId, userid: ownerUserid }, { chatId, name, memberCount: 3 });
    groups.a = await group("wrChatA@chatroom", "会员一群", leader.id, "leader1"); // the puppet gives the chat id
    groups.b = await group("wrOtherId", "会员二群", leader.id, "leader1"); // found by topic and owner
    groups.c = await group("wrChatC", "门店三群", other.id, "leader2"); // the room comes in as "未知群"
    for (const name of ["amy", "ben", "dora", "eve"]) customers[name] = (await g.customer({ name })).id;
    const row = (groupId: number, memberId: string, customerId: number | null, name: string | null) =>
      g.groupMember(groupId, { memberId, memberType: customerId ? 2 : 1, customerId, name, joinScene: null });
    await row(groups.a.id, "wmAmy", customers.amy!, "Amy");
    await row(groups.a.id, "wmBen", customers.ben!, "Ben");
    // WeCom knows Dora by another id: the bot finds her by her (unique) name
    await row(groups.a.id, "wmDoraWecom", customers.dora!, "Dora");
    await row(groups.b.id, "wmAmy", customers.amy!, "Amy");
    await row(groups.c.id, "wmEve", customers.eve!, "Eve");
  });
  afterAll(async () => {
    await s?.stop();
  });

  it("counts messages, distinct talkers, joins and leaves per group and business day, once each", async () => {
    const w = world;
    await until("logged in", (st) => st.loggedIn);
    const leader = w.contact("leader1", "群主");
    const amy = w.contact("wmAmy", "Amy");
    const ben = w.contact("wmBen", "Ben");
    const dora = w.contact("dora-puppet-id", "Dora");
    const eve = w.contact("wmEve", "Eve");
    const fay = w.contact("wmFay", "Fay");
    const roomA = w.room("wrChatA@chatroom", "会员一群", leader, [amy, ben, dora]);
    const roomB = w.room("R:10696051", "会员二群", leader, [amy]);
    const roomC = w.room("R:10696052", "未知群", leader, [eve]);

    w.say("a1", amy, roomA, at(day1, 0));
    w.say("a2", amy, roomA, at(day1, 5));
    w.say("a3", ben, roomA, at(day1, 6));
    w.say("a4", dora, roomA, at(day2, 1));
    w.say("a1", amy, roomA, at(day1, 0)); // redelivered in the same batch
    w.say("b1", amy, roomB, at(day2, 2));
    w.say("c1", eve, roomC, at(day1, 3));
    w.say("c2", eve, roomC, at(day2, 4));
    w.join(roomA, [fay], leader, at(day1, 30));
    w.join(roomA, [fay], leader, at(day1, 30)); // redelivered
    w.leave(roomA, [ben], leader, at(day2, 40));
    await written(11);
    // ...and again once the first deliveries are written (another batch)
    w.say("a1", amy, roomA, at(day1, 0));
    w.say("a4", dora, roomA, at(day2, 1));
    w.leave(roomA, [ben], leader, at(day2, 40));
    const st = await written(14);
    expect(st.pipeline).toMatchObject({ counted: 9, duplicates: 5 });

    expect(await daily(groups.a.id)).toEqual([
      { day: businessDay(day1), messages: 3, activeMembers: 2, joins: 1, leaves: 0 },
      { day: businessDay(day2), messages: 1, activeMembers: 1, joins: 0, leaves: 1 },
    ]);
    expect(await daily(groups.b.id)).toEqual([
      { day: businessDay(day2), messages: 1, activeMembers: 1, joins: 0, leaves: 0 },
    ]);
    const a = await member(groups.a.id, "wmAmy");
    expect([a.messageCount, a.lastMessageAt?.toISOString()]).toEqual([2, at(day1, 5).toISOString()]);
    expect((await member(groups.a.id, "wmDoraWecom")).messageCount).toBe(1);
    expect((await member(groups.b.id, "wmAmy")).messageCount).toBe(1);

    // the unmapped room is reported, its counts kept, nothing written to any group yet
    expect(await daily(groups.c.id)).toEqual([]);
    expect((await status()).unmappedRooms).toBe(1);
    const unmapped = (await hq.get("/api/v1/bot/rooms?status=unmapped")).body;
    expect(unmapped).toMatchObject({ total: 1, page: 1, pageSize: 20 });
    expect(unmapped.items[0]).toMatchObject({
      roomId: "R:10696052",
      topic: "未知群",
      ownerId: "leader1",
      group: null,
      mappedBy: null,
      messages: 2,
      members: 1,
      linkedMembers: 0,
    });
    const all = (await hq.get("/api/v1/bot/rooms")).body.items;
    expect(all[0].roomId).toBe("R:10696052"); // unmapped rooms first
    expect(
      all
        .slice(1)
        .map((r: any) => [r.roomId, r.mappedBy, r.group.id])
        .sort(),
    ).toEqual(
      [
        ["R:10696051", "topic_owner", groups.b.id],
        ["wrChatA@chatroom", "chat_id", groups.a.id],
      ].sort(),
    );

    const found = (await hq.get(`/api/v1/bot/rooms?q=${encodeURIComponent("会员")}`)).body;
    expect(found.items.map((r: any) => r.topic).sort()).toEqual(["会员一群", "会员二群"]);
    const bad = await hq.get("/api/v1/bot/rooms?status=lost");
    expect([bad.status, bad.body.error.details.fields[0].field]).toEqual([400, "status"]);
    expect((await s.client().get("/api/v1/bot/rooms")).status).toBe(401);
    expect((await s.client().get("/api/v1/bot/status")).status).toBe(401);

    // the message text is nowhere in the bot's tables
    for (const t of [
      "bot_rooms",
      "bot_seen_events",
      "bot_room_days",
      "bot_member_days",
      "bot_room_members",
      "bot_status",
    ])
      expect(JSON.stringify(await s.ds.query(`SELECT * FROM ${t}`))).not.toContain("正文");
  });

  it("lets HQ map the unmapped room: its figures move to the group; store managers only read their groups", async () => {
    const rooms = (await hq.get("/api/v1/bot/rooms?status=unmapped")).body.items;
    const id = rooms[0].id;
    const manager = await signIn("store_manager", [storeCode]);
    expect((await manager.request("PUT", `/api/v1/bot/rooms/${id}/mapping`, { groupId: groups.c.id })).status).toBe(
      403,
    );
    const mine = (await manager.get("/api/v1/bot/rooms")).body;
    expect(mine.items.map((r: any) => r.group.id).sort()).toEqual([groups.a.id, groups.b.id].sort());
    expect((await manager.get("/api/v1/bot/status")).body.status.unmappedRooms).toBeNull();

    const bad = await hq.request("PUT", `/api/v1/bot/rooms/${id}/mapping`, { groupId: "three" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields.map((f: any) => f.field)).toEqual(["groupId"]);
    expect((await hq.request("PUT", `/api/v1/bot/rooms/999999/mapping`, { groupId: groups.c.id })).status).toBe(404);
    const taken = await hq.request("PUT", `/api/v1/bot/rooms/${id}/mapping`, { groupId: groups.a.id });
    expect(taken.status).toBe(409);

    const ok = await hq.request("PUT", `/api/v1/bot/rooms/${id}/mapping`, { groupId: groups.c.id });
    expect(ok.status).toBe(200);
    expect(ok.body.room).toMatchObject({
      mappedBy: "admin",
      group: { id: groups.c.id, chatId: "wrChatC" },
      linkedMembers: 1,
    });
    expect(await daily(groups.c.id)).toEqual([
      { day: businessDay(day1), messages: 1, activeMembers: 1, joins: 0, leaves: 0 },
      { day: businessDay(day2), messages: 1, activeMembers: 1, joins: 0, leaves: 0 },
    ]);
    expect((await member(groups.c.id, "wmEve")).messageCount).toBe(2);
    expect((await status()).unmappedRooms).toBe(0);

    // new messages of that room now go to the group directly; a wrong mapping can be undone
    world.say("c3", world.mocker.ContactMock.load("wmEve"), world.mocker.RoomMock.load("R:10696052"), at(day2, 9));
    await written(12);
    expect((await member(groups.c.id, "wmEve")).messageCount).toBe(3);
    const undo = await hq.request("PUT", `/api/v1/bot/rooms/${id}/mapping`, { groupId: null });
    expect(undo.body.room).toMatchObject({ group: null, mappedBy: "admin", messages: 3 });
    expect(await daily(groups.c.id)).toEqual([]);
    expect((await member(groups.c.id, "wmEve")).messageCount).toBe(0);
    await hq.request("PUT", `/api/v1/bot/rooms/${id}/mapping`, { groupId: groups.c.id });
    expect((await member(groups.c.id, "wmEve")).messageCount).toBe(3);
  });

  it("feeds the RFM group tags: recent talkers get group_active after a recompute", async () => {
    expect((await hq.post("/api/v1/rfm/recompute")).status).toBe(202);
    for (let i = 0; ; i++) {
      const c = (await hq.get("/api/v1/rfm/computations/latest")).body.computation;
      if (c && c.status !== "running") break;
      if (i > 400) throw new Error("recompute did not finish");
      await new Promise((r) => setTimeout(r, 25));
    }
    const tagged = async (customerId: number) =>
      (await hq.get(`/api/v1/customers/${customerId}`)).body.tags.map((t: { name: string }) => t.name);
    const [active] = await s.ds.query("SELECT name FROM tags WHERE code = 'group_active'");
    expect(await tagged(customers.amy!)).toContain(active.name);
    expect(await tagged(customers.dora!)).toContain(active.name);
    expect(await tagged(customers.eve!)).toContain(active.name);
  });

  it("loses nothing and counts nothing twice across a restart in the middle of a burst", async () => {
    const w = world;
    const runner = s.app.services.bot.runner!;
    const amy = w.mocker.ContactMock.load("wmAmy");
    const roomA = w.mocker.RoomMock.load("wrChatA@chatroom");
    const before = (await daily(groups.a.id)).find((d: { day: string }) => d.day === businessDay(day2))!.messages;
    const burst = (from: number, to: number) => {
      for (let i = from; i < to; i++) w.say(`burst-${i}`, amy, roomA, at(day2, 60 + i / 100));
    };
    burst(0, 120);
    await runner.stop(); // in the middle: some events are buffered, some still inside Wechaty
    const stopped = runner.stats();
    expect(stopped.buffered).toBe(0); // whatever the bot had accepted is written
    await runner.start();
    await until("logged in again", (st) => st.loggedIn && st.state === "running");
    burst(0, 200); // the puppet redelivers what it was not sure of, then the burst goes on
    // the pipeline's figures run on across the restart: wait for the 200 events sent since
    const settled = stopped.counted + stopped.duplicates + 200;
    await until(
      "wrote the burst",
      (st) => st.pipeline.counted + st.pipeline.duplicates >= settled && st.pipeline.buffered === 0,
    );
    const after = (await daily(groups.a.id)).find((d: { day: string }) => d.day === businessDay(day2))!.messages;
    expect(after - before).toBe(200);
    expect(
      num((await s.ds.query("SELECT COUNT(*) AS n FROM bot_seen_events WHERE event_key LIKE 'm:burst-%'"))[0].n),
    ).toBe(200);
  });

  it("reconnects after puppet failures and a logout, and says so in the admin", async () => {
    const runner = s.app.services.bot.runner!;
    await runner.stop();
    world.failStarts = 2;
    await runner.start();
    const back = await until("reconnected", (st) => st.loggedIn && st.state === "running");
    expect(back).toMatchObject({ reconnects: 2, lastError: "puppet service unreachable", configured: true });
    expect(back.lastErrorAt).not.toBeNull();

    await world.puppet.logout("kicked out by the puppet service");
    const again = await until("reconnected after logout", (st) => st.reconnects === 3 && st.loggedIn);
    expect(again.lastError).toContain("logged out");
  });

  it("posts into mapped groups for other modules, and says why it cannot", async () => {
    const poster = s.app.services.bot.poster;
    const seen: string[] = [];
    (world.mocker.RoomMock.load("wrChatA@chatroom") as unknown as EventEmitter).on("message", (m: { text(): string }) =>
      seen.push(m.text()),
    );
    expect(await poster.post(groups.a.id, "今晚八点直播")).toEqual({ ok: true });
    expect(seen).toContain("今晚八点直播");
    const g = given(s.ds);
    const lonely = await s.ds.getRepository(CustomerGroup).save({
      ...groups.c!,
      id: undefined,
      chatId: "wrLonely",
      name: "无机器人群",
      ownerStaffId: (await g.staff()).id,
    } as unknown as CustomerGroup);
    expect(await poster.post(lonely.id, "hi")).toEqual({ ok: false, reason: "group not mapped to a bot room" });
    await s.app.services.bot.runner!.stop();
    expect(await poster.post(groups.a.id, "hi")).toEqual({ ok: false, reason: "bot not running" });
    expect((await status()).state).toBe("stopped");
  });
});
