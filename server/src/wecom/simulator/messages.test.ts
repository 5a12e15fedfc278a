import { afterEach, describe, expect, it } from "vitest";
import { given, startSim, T0, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

const seed = () =>
  given.seed({
    staff: [
      given.staff("ZhangSan"),
      given.staff("lisi", { licensed: false }),
      given.staff("wangwu", { department: [7] }),
    ],
    customers: [given.customer("wmA")],
  });
const textcard = { title: "New task", description: '<div class="gray">today</div>', url: "https://siyu.example/t/1" };

describe("message/send", () => {
  it("delivers to valid users, lower-cases invalid and unlicensed ones and stores the message", async () => {
    h = await startSim(seed());
    const r = await h.post("message/send", {
      touser: "zhangsan|Ghost|LISI",
      toparty: "7|99",
      msgtype: "textcard",
      agentid: 1000002,
      textcard,
    });
    expect(r).toMatchObject({
      errcode: 0,
      invaliduser: "ghost",
      unlicenseduser: "lisi",
      invalidparty: "99",
      invalidtag: "",
    });
    expect(r.msgid).toBeTruthy();
    expect(h.sim.state.appMessages).toEqual([
      expect.objectContaining({ msgid: r.msgid, at: T0, msgtype: "textcard", touser: ["ZhangSan", "wangwu"] }),
    ]);
    expect(h.sim.state.appMessages[0]!.body.textcard).toEqual(textcard);
  });

  it("answers 81013 when every receiver is invalid, 40056 for another agent", async () => {
    h = await startSim(seed());
    const none = await h.post("message/send", {
      touser: "Ghost|lisi",
      msgtype: "text",
      agentid: 1000002,
      text: { content: "hi" },
    });
    expect(none).toMatchObject({ errcode: 81013, invaliduser: "ghost", unlicenseduser: "lisi" });
    expect(
      (await h.post("message/send", { touser: "ZhangSan", msgtype: "text", agentid: 1, text: { content: "hi" } }))
        .errcode,
    ).toBe(40056);
    expect((await h.post("message/send", { touser: "ZhangSan", msgtype: "text", agentid: 1000002 })).errcode).toBe(
      40058,
    );
    expect((await h.post("message/send", { touser: "ZhangSan", msgtype: "fax", agentid: 1000002 })).errcode).toBe(
      40008,
    );
    expect(h.sim.state.appMessages).toEqual([]);
  });

  it("sends to @all licensed members", async () => {
    h = await startSim(seed());
    const r = await h.post("message/send", {
      touser: "@all",
      msgtype: "text",
      agentid: 1000002,
      text: { content: "hi" },
    });
    expect(r).toMatchObject({ errcode: 0, invaliduser: "", unlicenseduser: "lisi" });
    expect(h.sim.state.appMessages[0]!.touser).toEqual(["ZhangSan", "wangwu"]);
  });
});

describe("OAuth code", () => {
  it("is single use", async () => {
    h = await startSim(seed());
    const code = h.sim.issueOauthCode("ZhangSan");
    expect(await h.get("auth/getuserinfo", { code })).toEqual({ errcode: 0, errmsg: "ok", userid: "ZhangSan" });
    expect((await h.get("auth/getuserinfo", { code })).errcode).toBe(40029);
    expect((await h.get("auth/getuserinfo", { code: "forged" })).errcode).toBe(40029);
    expect((await h.get("auth/getuserinfo")).errcode).toBe(41008);
  });

  it("expires after 5 minutes on the simulator clock", async () => {
    h = await startSim(seed());
    const fresh = h.sim.issueOauthCode("ZhangSan");
    const stale = h.sim.issueOauthCode("ZhangSan");
    h.clock.advance(5 * 60_000 - 1);
    expect((await h.get("auth/getuserinfo", { code: fresh })).errcode).toBe(0);
    h.clock.advance(1);
    expect((await h.get("auth/getuserinfo", { code: stale })).errcode).toBe(40029);
    expect(() => h.sim.issueOauthCode("ghost")).toThrow();
  });
});

describe("send_welcome_msg", () => {
  const newCustomer = async (id: string) => {
    await h.sim.addCustomer(given.customer(id), given.follow("ZhangSan", id), { welcomeCode: true });
    return [...h.sim.state.welcomeCodes.values()].find((w) => w.external_userid === id)!.code;
  };

  it("accepts a code once within 20 seconds and records the message", async () => {
    h = await startSim(seed());
    const welcome_code = await newCustomer("wmB");
    h.clock.advance(19_999);
    const attachments = [{ msgtype: "link", link: { title: "Coupon", url: "https://siyu.example/c" } }];
    expect(
      (await h.post("externalcontact/send_welcome_msg", { welcome_code, text: { content: "Hi" }, attachments }))
        .errcode,
    ).toBe(0);
    expect(h.sim.state.welcomeMessages).toEqual([
      {
        welcome_code,
        userid: "ZhangSan",
        external_userid: "wmB",
        text: { content: "Hi" },
        attachments,
        at: T0 + 19_999,
      },
    ]);
    expect((await h.post("externalcontact/send_welcome_msg", { welcome_code, text: { content: "Hi" } })).errcode).toBe(
      41051,
    );
  });

  it("answers 41050 for an unknown or expired code, 41049 without one, 40058 for empty content", async () => {
    h = await startSim(seed());
    const welcome_code = await newCustomer("wmB");
    expect((await h.post("externalcontact/send_welcome_msg", { welcome_code })).errcode).toBe(40058);
    expect((await h.post("externalcontact/send_welcome_msg", { text: { content: "Hi" } })).errcode).toBe(41049);
    expect(
      (await h.post("externalcontact/send_welcome_msg", { welcome_code: "nope", text: { content: "Hi" } })).errcode,
    ).toBe(41050);
    h.clock.advance(20_000);
    expect((await h.post("externalcontact/send_welcome_msg", { welcome_code, text: { content: "Hi" } })).errcode).toBe(
      41050,
    );
  });
});
