import { afterEach, describe, expect, it } from "vitest";
import { groupDayKey } from "./model.ts";
import { given, startSim, T0_S, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

const DAY = 86_400;
// 2024-06-02 00:00 China time: the day before T0
const YESTERDAY = T0_S - 10 * 3600 - DAY;

const chats = Array.from({ length: 25 }, (_, i) =>
  given.group(`wr${String(i).padStart(3, "0")}`, i < 20 ? "zhangsan" : "lisi", {
    status: i === 3 ? 1 : 0,
    dismissed: i === 5,
  }),
);

describe("groupchat/list", () => {
  it("pages the undismissed chats with an opaque cursor", async () => {
    h = await startSim(given.seed({ staff: [given.staff("zhangsan"), given.staff("lisi")], groups: chats }));
    const ids: string[] = [];
    let cursor = "";
    do {
      const r = await h.post("externalcontact/groupchat/list", { cursor, limit: 10 });
      expect(r.errcode).toBe(0);
      ids.push(...r.group_chat_list.map((g: { chat_id: string }) => g.chat_id));
      cursor = r.next_cursor;
    } while (cursor);
    expect(ids).toHaveLength(24);
    expect(ids).not.toContain("wr005");
  });

  it("filters by status and owner", async () => {
    h = await startSim(given.seed({ staff: [given.staff("zhangsan"), given.staff("lisi")], groups: chats }));
    const resigned = await h.post("externalcontact/groupchat/list", { status_filter: 1, limit: 100 });
    expect(resigned.group_chat_list).toEqual([{ chat_id: "wr003", status: 1 }]);
    const lisi = await h.post("externalcontact/groupchat/list", {
      owner_filter: { userid_list: ["lisi"] },
      limit: 100,
    });
    expect(lisi.group_chat_list).toHaveLength(5);
    expect(lisi.next_cursor).toBe("");
  });

  it("requires limit within 1..1000 and at most 100 owners", async () => {
    h = await startSim(given.seed({ groups: chats }));
    for (const limit of [undefined, 0, 1001])
      expect((await h.post("externalcontact/groupchat/list", { limit })).errcode).toBe(40058);
    const owners = Array.from({ length: 101 }, (_, i) => `u${i}`);
    expect(
      (await h.post("externalcontact/groupchat/list", { owner_filter: { userid_list: owners }, limit: 10 })).errcode,
    ).toBe(40058);
  });
});

describe("groupchat/get", () => {
  const chat = given.group("wrA", "zhangsan", {
    notice: "Welcome",
    admins: ["lisi"],
    member_version: "71217227bbd112ecfe3a49c482195cb4",
    members: [
      given.member("zhangsan", { name: "Zhang San" }),
      given.member("wmA", {
        join_scene: 3,
        invitor: "lisi",
        group_nickname: "A",
        name: "Ann",
        state: "qr-7",
        unionid: "ou-a",
      }),
    ],
  });

  it("returns the detail, with member names only when need_name=1", async () => {
    h = await startSim(given.seed({ groups: [chat] }));
    const r = await h.post("externalcontact/groupchat/get", { chat_id: "wrA" });
    expect(r.group_chat).toMatchObject({
      chat_id: "wrA",
      owner: "zhangsan",
      notice: "Welcome",
      admin_list: [{ userid: "lisi" }],
      member_version: "71217227bbd112ecfe3a49c482195cb4",
    });
    expect(r.group_chat.member_list[1]).toEqual({
      userid: "wmA",
      type: 2,
      unionid: "ou-a",
      join_time: T0_S - 3600,
      join_scene: 3,
      invitor: { userid: "lisi" },
      group_nickname: "A",
      state: "qr-7",
    });
    const named = await h.post("externalcontact/groupchat/get", { chat_id: "wrA", need_name: 1 });
    expect(named.group_chat.member_list.map((m: { name: string }) => m.name)).toEqual(["Zhang San", "Ann"]);
  });

  it("answers 86003 for unknown and dismissed chats", async () => {
    h = await startSim(given.seed({ groups: [chat, given.group("wrGone", "zhangsan", { dismissed: true })] }));
    expect((await h.post("externalcontact/groupchat/get", { chat_id: "wrNope" })).errcode).toBe(86003);
    expect((await h.post("externalcontact/groupchat/get", { chat_id: "wrGone" })).errcode).toBe(86003);
    expect((await h.post("externalcontact/groupchat/get", {})).errcode).toBe(40058);
  });
});

describe("groupchat statistics", () => {
  // zhangsan: wrOld (3 days old, 2 members) and wrNew (made yesterday, 3 members, 2 joined yesterday)
  const seed = () =>
    given.seed({
      staff: [given.staff("zhangsan"), given.staff("lisi")],
      groups: [
        given.group("wrOld", "zhangsan", {
          create_time: YESTERDAY - 2 * DAY,
          members: [
            given.member("zhangsan", { join_time: YESTERDAY - 2 * DAY }),
            given.member("wmA", { join_time: YESTERDAY - DAY }),
          ],
        }),
        given.group("wrNew", "zhangsan", {
          create_time: YESTERDAY + 3600,
          members: [
            given.member("zhangsan", { join_time: YESTERDAY + 3600 }),
            given.member("wmB", { join_time: YESTERDAY + 7200 }),
            given.member("wmC", { join_time: YESTERDAY + 7300 }),
          ],
        }),
        given.group("wrLisi", "lisi", {
          create_time: YESTERDAY - 5 * DAY,
          members: [given.member("lisi", { join_time: YESTERDAY - 5 * DAY })],
        }),
      ],
    });

  it("computes one day's figures per owner from the state", async () => {
    h = await startSim(seed());
    h.sim.state.groupDayStats.set(groupDayKey("wrNew", YESTERDAY), { msg_cnt: 12, member_has_msg: 2 });
    const r = await h.post("externalcontact/groupchat/statistic", {
      day_begin_time: YESTERDAY + 5000, // floored to 00:00
      owner_filter: { userid_list: ["zhangsan", "lisi"] },
    });
    expect(r).toMatchObject({ errcode: 0, total: 2, next_offset: 2 });
    expect(r.items[0]).toEqual({
      owner: "zhangsan",
      data: {
        new_chat_cnt: 1,
        chat_total: 2,
        chat_has_msg: 1,
        new_member_cnt: 3,
        member_total: 5,
        member_has_msg: 2,
        msg_total: 12,
      },
    });
    expect(r.items[1]).toMatchObject({ owner: "lisi", data: { new_chat_cnt: 0, chat_total: 1, member_total: 1 } });

    const asc = await h.post("externalcontact/groupchat/statistic", {
      day_begin_time: YESTERDAY,
      owner_filter: { userid_list: ["zhangsan", "lisi"] },
      order_by: 4,
      order_asc: 1,
      limit: 1,
    });
    expect(asc).toMatchObject({ total: 2, next_offset: 1, items: [{ owner: "lisi" }] });
  });

  it("answers per natural day", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/groupchat/statistic_group_by_day", {
      day_begin_time: YESTERDAY - 2 * DAY,
      day_end_time: YESTERDAY,
      owner_filter: { userid_list: ["zhangsan"] },
    });
    expect(r.items.map((i: { stat_time: number }) => i.stat_time)).toEqual([
      YESTERDAY - 2 * DAY,
      YESTERDAY - DAY,
      YESTERDAY,
    ]);
    expect(r.items.map((i: { data: { member_total: number } }) => i.data.member_total)).toEqual([1, 2, 5]);
    expect(r.items.map((i: { data: { chat_total: number } }) => i.data.chat_total)).toEqual([1, 1, 2]);
  });

  it("requires day_begin_time and a span of at most 30 days", async () => {
    h = await startSim(seed());
    expect(
      (await h.post("externalcontact/groupchat/statistic", { owner_filter: { userid_list: ["lisi"] } })).errcode,
    ).toBe(40058);
    const span = {
      day_begin_time: YESTERDAY - 30 * DAY,
      day_end_time: YESTERDAY,
      owner_filter: { userid_list: ["lisi"] },
    };
    expect((await h.post("externalcontact/groupchat/statistic_group_by_day", span)).errcode).toBe(40058);
    const ok = { ...span, day_begin_time: YESTERDAY - 29 * DAY };
    expect((await h.post("externalcontact/groupchat/statistic_group_by_day", ok)).items).toHaveLength(30);
    const old = { day_begin_time: YESTERDAY - 200 * DAY, owner_filter: { userid_list: ["lisi"] } };
    expect((await h.post("externalcontact/groupchat/statistic", old)).errcode).toBe(40058);
  });
});
