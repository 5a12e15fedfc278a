import { afterEach, describe, expect, it } from "vitest";
import { given, startSim, T0_S, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

const seed = () =>
  given.seed({
    staff: [given.staff("zhangsan"), given.staff("lisi")],
    customers: ["wmA", "wmB", "wmC", "wmD"].map((id) => given.customer(id)),
    follows: [
      given.follow("zhangsan", "wmA", { tag_ids: ["etVip"] }),
      given.follow("zhangsan", "wmB"),
      given.follow("zhangsan", "wmC"),
      given.follow("lisi", "wmD"),
    ],
    groups: [given.group("wr1", "zhangsan"), given.group("wr2", "zhangsan"), given.group("wr3", "lisi")],
  });
const text = { content: "Summer sale" };

describe("add_msg_template", () => {
  it("validates content, attachments and recipients", async () => {
    h = await startSim(seed());
    const add = (body: object) => h.post("externalcontact/add_msg_template", { sender: "zhangsan", ...body });
    expect((await add({})).errcode).toBe(40058);
    expect((await add({ text: { content: "" }, attachments: [] })).errcode).toBe(40058);
    const image = { msgtype: "image", image: { media_id: "MEDIA" } };
    expect((await add({ attachments: Array(10).fill(image) })).errcode).toBe(40058);
    expect((await add({ attachments: [{ msgtype: "image", link: { title: "t", url: "https://x" } }] })).errcode).toBe(
      40058,
    );
    expect((await add({ attachments: [{ msgtype: "link", link: { title: "t" } }] })).errcode).toBe(40058);
    expect(
      (await add({ attachments: [image, { msgtype: "link", link: { title: "t", url: "https://x" } }] })).errcode,
    ).toBe(0);
    expect((await h.post("externalcontact/add_msg_template", { text })).errcode).toBe(41048);
    expect((await add({ chat_type: "broadcast", text })).errcode).toBe(86214);
    expect((await add({ text: { content: "x".repeat(4001) } })).errcode).toBe(40058);
  });

  it("puts non-customers of the sender in fail_list and creates a task", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/add_msg_template", {
      sender: "zhangsan",
      external_userid: ["wmA", "wmD", "wmZ"],
      text,
    });
    expect(r.errcode).toBe(0);
    expect(r.msgid).toMatch(/^msg/);
    expect(r.fail_list).toEqual(["wmD", "wmZ"]);
    const tpl = h.sim.state.massSends.get(r.msgid)!;
    expect(tpl.rows).toEqual([{ userid: "zhangsan", external_userid: "wmA", status: 0 }]);
    expect([...tpl.tasks]).toEqual([["zhangsan", { status: 0 }]]);
  });

  it("with only a sender means all of the sender's customers; tag_filter narrows them", async () => {
    h = await startSim(seed());
    const all = await h.post("externalcontact/add_msg_template", { sender: "zhangsan", text });
    expect(h.sim.state.massSends.get(all.msgid)!.rows.map((r) => r.external_userid)).toEqual(["wmA", "wmB", "wmC"]);
    const vip = await h.post("externalcontact/add_msg_template", {
      sender: "zhangsan",
      text,
      tag_filter: { group_list: [{ tag_list: ["etVip"] }] },
    });
    expect(h.sim.state.massSends.get(vip.msgid)!.rows.map((r) => r.external_userid)).toEqual(["wmA"]);
  });

  it("without a sender gives each customer to a follow member and fails the rest", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/add_msg_template", { external_userid: ["wmA", "wmD", "wmZ"], text });
    expect(r.fail_list).toEqual(["wmZ"]);
    const tpl = h.sim.state.massSends.get(r.msgid)!;
    expect([...tpl.tasks.keys()]).toEqual(["zhangsan", "lisi"]);
  });
});

describe("confirmation and results", () => {
  it("marks recipients sent, then status 3 for a second mass send the same day, and 1 again the next day", async () => {
    h = await startSim(seed());
    const first = await h.post("externalcontact/add_msg_template", {
      sender: "zhangsan",
      external_userid: ["wmA", "wmB"],
      text,
    });
    const second = await h.post("externalcontact/add_msg_template", {
      sender: "zhangsan",
      external_userid: ["wmA", "wmC"],
      text,
    });

    await h.sim.confirmMassSend(first.msgid, "zhangsan");
    h.clock.advance(60_000);
    await h.sim.confirmMassSend(second.msgid, "zhangsan");

    const tasks = await h.post("externalcontact/get_groupmsg_task", { msgid: first.msgid });
    expect(tasks.task_list).toEqual([{ userid: "zhangsan", status: 2, send_time: T0_S }]);
    const results = await h.post("externalcontact/get_groupmsg_send_result", {
      msgid: second.msgid,
      userid: "zhangsan",
    });
    expect(results.send_list).toEqual([
      { userid: "zhangsan", external_userid: "wmA", status: 3 },
      { userid: "zhangsan", external_userid: "wmC", status: 1, send_time: T0_S + 60 },
    ]);

    h.clock.advance(86_400_000);
    const third = await h.post("externalcontact/add_msg_template", {
      sender: "zhangsan",
      external_userid: ["wmA"],
      text,
    });
    await h.sim.confirmMassSend(third.msgid, "zhangsan");
    expect(h.sim.state.massSends.get(third.msgid)!.rows[0]!.status).toBe(1);
  });

  it("reports status 2 for a customer who is no longer a friend, and forced failures", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/add_msg_template", {
      sender: "zhangsan",
      external_userid: ["wmA", "wmB", "wmC"],
      text,
    });
    await h.sim.deleteFollowByCustomer("zhangsan", "wmA");
    await h.sim.confirmMassSend(r.msgid, "zhangsan", { failFor: [{ external_userid: "wmB", status: 3 }] });
    const rows = (await h.post("externalcontact/get_groupmsg_send_result", { msgid: r.msgid, userid: "zhangsan" }))
      .send_list;
    expect(rows.map((x: { status: number }) => x.status)).toEqual([2, 3, 1]);
  });

  it("requires userid for send results and knows msgids", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/add_msg_template", { sender: "zhangsan", text });
    expect((await h.post("externalcontact/get_groupmsg_send_result", { msgid: r.msgid })).errcode).toBe(40058);
    expect((await h.post("externalcontact/get_groupmsg_task", { msgid: "msgNope" })).errcode).toBe(41047);
    expect((await h.post("externalcontact/get_groupmsg_task", {})).errcode).toBe(41046);
  });

  it("pages send results", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/add_msg_template", { sender: "zhangsan", text });
    const page1 = await h.post("externalcontact/get_groupmsg_send_result", {
      msgid: r.msgid,
      userid: "zhangsan",
      limit: 2,
    });
    expect(page1.send_list).toHaveLength(2);
    const page2 = await h.post("externalcontact/get_groupmsg_send_result", {
      msgid: r.msgid,
      userid: "zhangsan",
      limit: 2,
      cursor: page1.next_cursor,
    });
    expect(page2.send_list.map((x: { external_userid: string }) => x.external_userid)).toEqual(["wmC"]);
    expect(page2.next_cursor).toBe("");
  });

  it("answers 41063 once per query while a fresh template is being dispatched (when switched on)", async () => {
    h = await startSim(seed());
    h.sim.faults.dispatching(2000);
    const r = await h.post("externalcontact/add_msg_template", { sender: "zhangsan", text });
    expect((await h.post("externalcontact/get_groupmsg_task", { msgid: r.msgid })).errcode).toBe(41063);
    expect((await h.post("externalcontact/get_groupmsg_task", { msgid: r.msgid })).errcode).toBe(0);
    const q = { msgid: r.msgid, userid: "zhangsan" };
    expect((await h.post("externalcontact/get_groupmsg_send_result", q)).errcode).toBe(41063);
    expect((await h.post("externalcontact/get_groupmsg_send_result", q)).errcode).toBe(0);

    const later = await h.post("externalcontact/add_msg_template", { sender: "zhangsan", text });
    h.clock.advance(2000);
    expect((await h.post("externalcontact/get_groupmsg_task", { msgid: later.msgid })).errcode).toBe(0);
  });

  it("sends to the sender's groups, listing only sent chats", async () => {
    h = await startSim(seed());
    expect((await h.post("externalcontact/add_msg_template", { chat_type: "group", text })).errcode).toBe(40058);
    expect(
      (
        await h.post("externalcontact/add_msg_template", {
          chat_type: "group",
          sender: "zhangsan",
          chat_id_list: ["wr3"],
          text,
        })
      ).errcode,
    ).toBe(41048);
    const r = await h.post("externalcontact/add_msg_template", { chat_type: "group", sender: "zhangsan", text });
    const q = { msgid: r.msgid, userid: "zhangsan" };
    expect((await h.post("externalcontact/get_groupmsg_send_result", q)).send_list).toEqual([]);
    await h.sim.confirmMassSend(r.msgid, "zhangsan");
    const sent = (await h.post("externalcontact/get_groupmsg_send_result", q)).send_list;
    expect(sent).toEqual([
      { userid: "zhangsan", chat_id: "wr1", status: 1, send_time: T0_S },
      { userid: "zhangsan", chat_id: "wr2", status: 1, send_time: T0_S },
    ]);
  });
});

describe("remind and cancel", () => {
  it("allows 3 reminders per 24 h and none after cancel", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/add_msg_template", { sender: "zhangsan", text });
    for (let i = 0; i < 3; i++)
      expect((await h.post("externalcontact/remind_groupmsg_send", { msgid: r.msgid })).errcode).toBe(0);
    expect((await h.post("externalcontact/remind_groupmsg_send", { msgid: r.msgid })).errcode).toBe(41094);
    h.clock.advance(24 * 3600_000 + 1);
    expect((await h.post("externalcontact/remind_groupmsg_send", { msgid: r.msgid })).errcode).toBe(0);

    expect((await h.post("externalcontact/cancel_groupmsg_send", { msgid: r.msgid })).errcode).toBe(0);
    expect((await h.post("externalcontact/remind_groupmsg_send", { msgid: r.msgid })).errcode).toBe(41093);
    await expect(h.sim.confirmMassSend(r.msgid, "zhangsan")).rejects.toThrow(/canceled/);
  });
});
