import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { followKey } from "../../server/src/wecom/simulator/index.ts";
import { given } from "../support/given.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

describe(`the dev bridge's chat toolbar in simulator mode (${testDialect()})`, () => {
  let s: TestServer;
  let li: HttpClient;
  const ext: Record<string, string> = {};

  beforeAll(async () => {
    s = await startTestServer();
    const g = given(s.ds);
    const liStaff = await g.staff({ userid: "li", name: "李娜" });
    const wangStaff = await g.staff({ userid: "wang", name: "王芳" });
    for (const [name, staff] of [
      ["张三", liStaff],
      ["王五", wangStaff],
    ] as const) {
      const c = await g.customer({ name });
      ext[name] = c.externalUserid!;
      await g.follow(c.id, staff.id, { remark: name === "张三" ? "张姐" : null });
    }
    // The simulator was built from the (then empty) database at start: tell it about the same corp.
    const sim = s.simulator!;
    for (const userid of ["li", "wang"]) sim.state.staff.set(userid, { userid, name: userid, customerContact: true });
    for (const [name, userid] of [
      ["张三", "li"],
      ["王五", "wang"],
    ] as const) {
      sim.state.customers.set(ext[name]!, { external_userid: ext[name]!, name, type: 1, gender: 0 });
      sim.state.follows.set(followKey(userid, ext[name]!), {
        userid,
        external_userid: ext[name]!,
        createtime: 1,
        tag_ids: [],
        add_way: 1,
      });
    }
    sim.state.groups.set("wrDEV1", {
      chat_id: "wrDEV1",
      name: "李娜的群",
      owner: "li",
      create_time: 1,
      status: 0,
      members: [{ userid: "li", type: 1, join_time: 1, join_scene: 1 }],
      admins: [],
      member_version: "0",
    });
    li = s.client();
    expect((await li.post("/api/v1/sidebar/dev/login", { userid: "li" })).status).toBe(200);
  });
  afterAll(() => s?.stop());

  it("records a send into a customer's chat in the WeCom simulator, through the WeCom client", async () => {
    const calls = s.simulator!.calls.length;
    const r = await li.post("/api/v1/sidebar/dev/send-chat-message", {
      externalUserid: ext["张三"],
      message: { type: "text", content: "张姐您好" },
    });
    expect(r.status, JSON.stringify(r.body)).toBe(200);
    expect(r.body.sendid).toBeTruthy();
    expect(s.simulator!.chatToolbarSends).toEqual([
      expect.objectContaining({
        sendid: r.body.sendid,
        userid: "li",
        external_userid: ext["张三"],
        msgtype: "text",
        payload: { content: "张姐您好" },
      }),
    ]);
    expect(s.simulator!.calls.slice(calls).map((c) => c.api)).toContain("sim/chat_toolbar/send");
    const listed = await li.get(`/api/v1/sidebar/dev/chat-messages?externalUserid=${ext["张三"]}`);
    expect(listed.body.items.map((i: { sendid: string }) => i.sendid)).toEqual([r.body.sendid]);
  });

  it("sends a link and a mini program into a group the guide owns", async () => {
    const news = await li.post("/api/v1/sidebar/dev/send-chat-message", {
      chatId: "wrDEV1",
      message: { type: "news", title: "新品", desc: "秋冬上新", link: "https://shop.example/n", imgUrl: "" },
    });
    expect(news.status, JSON.stringify(news.body)).toBe(200);
    const mp = await li.post("/api/v1/sidebar/dev/send-chat-message", {
      chatId: "wrDEV1",
      message: {
        type: "miniprogram",
        appid: "wx0123456789abcdef",
        title: "商城",
        imgUrl: "https://x/p.png",
        page: "p/i",
      },
    });
    expect(mp.status).toBe(200);
    const sends = s.simulator!.chatToolbarSends.filter((x) => x.chat_id === "wrDEV1");
    expect(sends.map((x) => x.msgtype)).toEqual(["news", "miniprogram"]);
  });

  it("refuses another guide's customer, a group it is not in, a bad message, and no session", async () => {
    const before = s.simulator!.chatToolbarSends.length;
    const other = await li.post("/api/v1/sidebar/dev/send-chat-message", {
      externalUserid: ext["王五"],
      message: { type: "text", content: "hi" },
    });
    expect(other.status).toBe(404);
    const wang = s.client();
    await wang.post("/api/v1/sidebar/dev/login", { userid: "wang" });
    const group = await wang.post("/api/v1/sidebar/dev/send-chat-message", {
      chatId: "wrDEV1",
      message: { type: "text", content: "hi" },
    });
    expect(group.status).toBe(409);
    expect(group.body.error.message).toContain("no privilege");
    const bad = await li.post("/api/v1/sidebar/dev/send-chat-message", {
      externalUserid: ext["张三"],
      message: { type: "text", content: "" },
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body.error.details)).toContain("message.content");
    const both = await li.post("/api/v1/sidebar/dev/send-chat-message", {
      externalUserid: ext["张三"],
      chatId: "wrDEV1",
      message: { type: "text", content: "hi" },
    });
    expect(both.status).toBe(400);
    const anonymous = await s.client().post("/api/v1/sidebar/dev/send-chat-message", {
      externalUserid: ext["张三"],
      message: { type: "text", content: "hi" },
    });
    expect(anonymous.status).toBe(401);
    expect(s.simulator!.chatToolbarSends).toHaveLength(before);
  });

  it("lists the guide's customers and groups for the dev chat picker, searchable", async () => {
    const all = (await li.get("/api/v1/sidebar/dev/chats")).body;
    expect(all.customers).toEqual([{ externalUserid: ext["张三"], name: "张姐", pending: 0 }]);
    expect((await li.get("/api/v1/sidebar/dev/chats?q=王")).body.customers).toEqual([]);
  });

  it("does not exist in live mode", async () => {
    const live = await startTestServer({
      env: {
        WECOM_MODE: "live",
        WECOM_CORP_ID: "ww0000000000000001",
        WECOM_AGENT_ID: "1000002",
        WECOM_SECRET: "s",
        WECOM_CALLBACK_TOKEN: "tok",
        WECOM_CALLBACK_AES_KEY: "a".repeat(43),
        SESSION_SECRET: "x".repeat(40),
        SECRETS_KEY: "0".repeat(64),
      },
    });
    try {
      const r = await live.client().post("/api/v1/sidebar/dev/send-chat-message", {
        externalUserid: "wm1",
        message: { type: "text", content: "hi" },
      });
      expect(r.status).toBe(404);
    } finally {
      await live.stop();
    }
  });
});
