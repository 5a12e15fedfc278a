import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import { afterEach, describe, expect, it } from "vitest";
import { CallbackCrypto } from "../callback-crypto.ts";
import { encryptedPart, parseWecomXml } from "../xml.ts";
import { given, startSim, T0_S, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
let receiver: Server | undefined;
afterEach(async () => {
  await h?.close();
  receiver?.closeAllConnections();
  await new Promise((done) => (receiver ? receiver.close(done) : done(undefined)));
  receiver = undefined;
});

interface Received {
  query: Record<string, string>;
  body: string;
  plaintext: string;
}

/** A tiny callback endpoint that checks the signature and decrypts, as Siyu's will. */
async function startReceiver(seed: ReturnType<typeof given.seed>, status = 200) {
  const crypto = new CallbackCrypto(seed.callbackToken, seed.callbackAesKey, seed.corpId);
  const got: Received[] = [];
  const app = new Koa();
  app.use(async (ctx) => {
    const chunks: Buffer[] = [];
    for await (const c of ctx.req) chunks.push(c as Buffer);
    const body = Buffer.concat(chunks).toString();
    const query = ctx.query as Record<string, string>;
    const plaintext = crypto.decryptMessage(
      { msg_signature: query.msg_signature!, timestamp: query.timestamp!, nonce: query.nonce! },
      encryptedPart(body),
    );
    got.push({ query, body, plaintext });
    ctx.status = status;
    ctx.body = "success";
  });
  receiver = createServer(app.callback());
  await new Promise<void>((done) => receiver!.listen(0, "127.0.0.1", done));
  return { url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/wecom/callback`, got };
}

const seed = () =>
  given.seed({
    staff: [given.staff("zhangsan")],
    groups: [given.group("wrA", "zhangsan", { member_version: "9c3f97c2ada667dfb5f6d03308d963e1" })],
  });

describe("callback delivery", () => {
  it("delivers add_external_contact with State and WelcomeCode, signed and encrypted", async () => {
    const s = seed();
    h = await startSim(s);
    const r = await startReceiver(s);
    h.sim.setCallbackUrl(r.url);
    await h.sim.addCustomer(given.customer("wmA"), given.follow("zhangsan", "wmA", { state: "store-1" }), {
      welcomeCode: true,
    });

    expect(r.got).toHaveLength(1);
    const code = [...h.sim.state.welcomeCodes.keys()][0]!;
    expect(r.got[0]!.plaintext).toBe(
      `<xml><ToUserName><![CDATA[wwsimcorp00000001]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName>` +
        `<CreateTime>${T0_S}</CreateTime><MsgType><![CDATA[event]]></MsgType>` +
        `<Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[add_external_contact]]></ChangeType>` +
        `<UserID><![CDATA[zhangsan]]></UserID><ExternalUserID><![CDATA[wmA]]></ExternalUserID>` +
        `<State><![CDATA[store-1]]></State><WelcomeCode><![CDATA[${code}]]></WelcomeCode></xml>`,
    );
    expect(r.got[0]!.query.timestamp).toBe(String(T0_S));
    expect(parseWecomXml(r.got[0]!.body)).toMatchObject({ ToUserName: "wwsimcorp00000001", AgentID: "1000002" });
    expect(h.sim.state.follows.has("zhangsan|wmA")).toBe(true);
  });

  it("delivers edits and both kinds of deletion", async () => {
    const s = seed();
    h = await startSim(s);
    const r = await startReceiver(s);
    await h.sim.addCustomer(given.customer("wmA"), given.follow("zhangsan", "wmA")); // no URL yet: state only
    await h.sim.addCustomer(given.customer("wmB"), given.follow("zhangsan", "wmB"));
    h.sim.setCallbackUrl(r.url);
    await h.sim.editFollow("zhangsan", "wmA", { remark: "VIP" });
    await h.sim.deleteFollowByStaff("zhangsan", "wmA");
    await h.sim.deleteFollowByCustomer("zhangsan", "wmB");
    const events = r.got.map((g) => parseWecomXml(g.plaintext));
    expect(events.map((e) => [e.ChangeType, e.UserID, e.ExternalUserID])).toEqual([
      ["edit_external_contact", "zhangsan", "wmA"],
      ["del_external_contact", "zhangsan", "wmA"],
      ["del_follow_user", "zhangsan", "wmB"],
    ]);
    expect(events[0]).not.toHaveProperty("State");
  });

  it("delivers a join with member versions that groupchat/get then shows", async () => {
    const s = seed();
    h = await startSim(s);
    const r = await startReceiver(s);
    h.sim.setCallbackUrl(r.url);
    await h.sim.joinGroup("wrA", given.member("wmB", { join_scene: 3, join_time: T0_S }));

    const xml = r.got[0]!.plaintext;
    expect(xml).toContain("<Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrA]]></ChatId>");
    expect(xml).toContain(
      "<ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail>",
    );
    expect(xml).toContain("<JoinScene>3</JoinScene><QuitScene>0</QuitScene><MemChangeCnt>1</MemChangeCnt>");
    expect(xml).toContain(
      "<MemChangeList><Item>wmB</Item></MemChangeList><LastMemVer>9c3f97c2ada667dfb5f6d03308d963e1</LastMemVer>",
    );
    const e = parseWecomXml(xml);
    expect(e.MemChangeList).toEqual(["wmB"]);
    expect(e.CurMemVer).toMatch(/^[0-9a-f]{32}$/);
    const detail = await h.post("externalcontact/groupchat/get", { chat_id: "wrA" });
    expect(detail.group_chat.member_version).toBe(e.CurMemVer);
    expect(detail.group_chat.member_list.map((m: { userid: string }) => m.userid)).toEqual(["zhangsan", "wmB"]);

    await h.sim.leaveGroup("wrA", "wmB", 1);
    const quit = parseWecomXml(r.got[1]!.plaintext);
    expect(quit).toMatchObject({
      UpdateDetail: "del_member",
      QuitScene: "1",
      MemChangeCnt: "1",
      LastMemVer: e.CurMemVer,
    });
    expect(quit.CurMemVer).not.toBe(e.CurMemVer);
  });

  it("delivers create, rename and dismiss", async () => {
    const s = seed();
    h = await startSim(s);
    const r = await startReceiver(s);
    h.sim.setCallbackUrl(r.url);
    await h.sim.createGroup(given.group("wrB", "zhangsan"));
    await h.sim.renameGroup("wrB", "VIP club");
    await h.sim.dismissGroup("wrB");
    const events = r.got.map((g) => parseWecomXml(g.plaintext));
    expect(events.map((e) => [e.Event, e.ChatId, e.ChangeType, e.UpdateDetail])).toEqual([
      ["change_external_chat", "wrB", "create", undefined],
      ["change_external_chat", "wrB", "update", "change_name"],
      ["change_external_chat", "wrB", "dismiss", undefined],
    ]);
    expect((await h.post("externalcontact/groupchat/get", { chat_id: "wrB" })).errcode).toBe(86003);
  });

  it("re-sends the identical signed body like WeCom's retries and returns the first response", async () => {
    const s = seed();
    h = await startSim(s);
    const r = await startReceiver(s, 503);
    h.sim.setCallbackUrl(r.url);
    const xml = "<xml><ToUserName><![CDATA[wwsimcorp00000001]]></ToUserName><Event><![CDATA[x]]></Event></xml>";
    const first = await h.sim.deliver(xml, { times: 3 });
    expect(first).toEqual({ status: 503, body: "success" });
    expect(r.got).toHaveLength(3);
    expect(new Set(r.got.map((g) => g.body)).size).toBe(1);
    expect(new Set(r.got.map((g) => JSON.stringify(g.query))).size).toBe(1);
    expect(r.got.every((g) => g.plaintext === xml)).toBe(true);
  });

  it("refuses a low-level delivery without a callback URL", async () => {
    h = await startSim(seed());
    await expect(h.sim.deliver("<xml></xml>")).rejects.toThrow(/callback URL/);
  });
});
