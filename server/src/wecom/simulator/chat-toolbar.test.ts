import { afterEach, describe, expect, it } from "vitest";
import { given, startSim, T0, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

const seed = () =>
  given.seed({
    staff: [given.staff("li"), given.staff("wang")],
    customers: [given.customer("wmA"), given.customer("wmB")],
    follows: [given.follow("li", "wmA"), given.follow("wang", "wmB")],
    groups: [given.group("wrG1", "li", { members: [given.member("li"), given.member("wmA")] })],
  });

describe("sim/chat_toolbar (test control for the chat toolbar's sendChatMessage)", () => {
  it("records a send into a one-to-one chat and a group, and lists them per staff and chat", async () => {
    h = await startSim(seed());
    const a = await h.post("sim/chat_toolbar/send", {
      userid: "li",
      external_userid: "wmA",
      msgtype: "text",
      text: { content: "张姐您好" },
    });
    expect(a).toMatchObject({ errcode: 0 });
    expect(a.sendid).toBeTruthy();
    const b = await h.post("sim/chat_toolbar/send", {
      userid: "li",
      chat_id: "wrG1",
      msgtype: "news",
      news: { link: "https://shop.example/a", title: "新品", desc: "", imgUrl: "" },
    });
    expect(b.errcode).toBe(0);
    expect(h.sim.chatToolbarSends).toEqual([
      {
        sendid: a.sendid,
        at: T0,
        userid: "li",
        external_userid: "wmA",
        msgtype: "text",
        payload: { content: "张姐您好" },
      },
      expect.objectContaining({ sendid: b.sendid, chat_id: "wrG1", msgtype: "news" }),
    ]);
    const listed = await h.get("sim/chat_toolbar/sends", { userid: "li", external_userid: "wmA" });
    expect(listed.sends.map((s: { sendid: string }) => s.sendid)).toEqual([a.sendid]);
    expect((await h.get("sim/chat_toolbar/sends", { userid: "wang" })).sends).toEqual([]);
  });

  it("refuses a chat the staff member is not in, and a payload without its fields", async () => {
    h = await startSim(seed());
    const text = { msgtype: "text", text: { content: "hi" } };
    expect((await h.post("sim/chat_toolbar/send", { userid: "li", external_userid: "wmB", ...text })).errcode).toBe(
      84061,
    );
    expect((await h.post("sim/chat_toolbar/send", { userid: "wang", chat_id: "wrG1", ...text })).errcode).toBe(60011);
    expect((await h.post("sim/chat_toolbar/send", { userid: "li", chat_id: "wrNone", ...text })).errcode).toBe(40050);
    expect((await h.post("sim/chat_toolbar/send", { userid: "ghost", external_userid: "wmA", ...text })).errcode).toBe(
      60111,
    );
    const noPayload = await h.post("sim/chat_toolbar/send", { userid: "li", external_userid: "wmA", msgtype: "image" });
    expect(noPayload.errcode).toBe(40058);
    const both = await h.post("sim/chat_toolbar/send", {
      userid: "li",
      external_userid: "wmA",
      chat_id: "wrG1",
      ...text,
    });
    expect(both.errmsg).toContain("exactly one");
    expect(h.sim.chatToolbarSends).toEqual([]);
    // it is an API like the others: no token, no answer
    const raw = await h.raw("sim/chat_toolbar/sends");
    expect(((await raw.json()) as { errcode: number }).errcode).not.toBe(0);
  });
});
