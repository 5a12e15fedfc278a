import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { followKey } from "../../server/src/wecom/simulator/index.ts";
import { WELCOME_SETTING } from "../../server/src/modules/wecom-callbacks/welcome-sender.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";

describe(`WeCom callback events change the database (${testDialect()})`, () => {
  let s: WecomTestServer;
  beforeAll(async () => {
    s = await startWecomTestServer();
    await s.services().sync.run("test");
    await s.app.services.settings.set(WELCOME_SETTING, { enabled: true, text: "欢迎来到私域小店！" });
  });
  afterAll(() => s.stop());

  const relation = async (ext: string, userid: string) =>
    (
      await s.ds.query(
        `SELECT f.status, f.remark, f.state FROM follow_relations f JOIN customers c ON c.id = f.customer_id
           JOIN staff st ON st.id = f.staff_id WHERE c.external_userid = ? AND st.userid = ?`,
        [ext, userid],
      )
    )[0];
  const member = async (chat: string, id: string) =>
    (
      await s.ds.query(
        "SELECT m.left_at FROM group_members m JOIN customer_groups g ON g.id = m.group_id WHERE g.chat_id = ? AND m.member_id = ?",
        [chat, id],
      )
    )[0];

  it("adds a customer and sends the configured welcome message with the WelcomeCode", async () => {
    const now = Math.floor(Date.now() / 1000);
    await s.sim.addCustomer(
      { external_userid: "wmNEW00001", name: "新客户", type: 1, gender: 2, unionid: "oNEW1" },
      { userid: "li.na", external_userid: "wmNEW00001", createtime: now, tag_ids: [], add_way: 1, state: "mall_popup" },
      { welcomeCode: true },
    );
    await s.settle();
    expect(await relation("wmNEW00001", "li.na")).toMatchObject({ status: "active", state: "mall_popup" });
    expect(s.sim.state.welcomeMessages).toHaveLength(1);
    expect(s.sim.state.welcomeMessages[0]).toMatchObject({
      external_userid: "wmNEW00001",
      text: { content: "欢迎来到私域小店！" },
    });
  });

  const contactEvent = (changeType: string, userid: string, ext: string, extra = "") =>
    `<xml><ToUserName><![CDATA[wwTESTCORP0000001]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>${Math.floor(Date.now() / 1000)}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[${changeType}]]></ChangeType><UserID><![CDATA[${userid}]]></UserID><ExternalUserID><![CDATA[${ext}]]></ExternalUserID>${extra}</xml>`;

  it("takes a half-added contact (免验证) like an added one", async () => {
    // the customer exists in WeCom with the relation; WeCom sends add_half_external_contact
    s.sim.state.customers.set("wmHALF0001", { external_userid: "wmHALF0001", name: "半添加", type: 1, gender: 0 });
    s.sim.state.follows.set(followKey("zhang.wei", "wmHALF0001"), {
      userid: "zhang.wei",
      external_userid: "wmHALF0001",
      createtime: 1_730_000_500,
      tag_ids: [],
      add_way: 1,
      state: "livestream_1111",
    });
    await s.sim.deliver(
      contactEvent(
        "add_half_external_contact",
        "zhang.wei",
        "wmHALF0001",
        "<State><![CDATA[livestream_1111]]></State>",
      ),
    );
    await s.settle();
    expect(await relation("wmHALF0001", "zhang.wei")).toMatchObject({ status: "active", state: "livestream_1111" });
  });

  it("records a failed transfer in the audit log", async () => {
    await s.sim.deliver(
      contactEvent("transfer_fail", "li.na", "wmTEST00009", "<FailReason><![CDATA[customer_refused]]></FailReason>"),
    );
    await s.settle();
    const [row] = await s.ds.query(
      "SELECT action, entity_id, details FROM audit_log WHERE action = 'wecom.transfer_fail'",
    );
    expect(row).toMatchObject({
      entity_id: "li.na:wmTEST00009",
      details: JSON.stringify({ reason: "customer_refused" }),
    });
  });

  it("applies a callback delivered three times once", async () => {
    const gets = () => s.sim.calls.filter((c) => c.api === "externalcontact/get").length;
    const before = gets();
    const events = num((await s.ds.query("SELECT COUNT(*) AS n FROM wecom_events"))[0].n);
    const res = await s.sim.deliver(
      `<xml><ToUserName><![CDATA[wwTESTCORP0000001]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1732406400</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[edit_external_contact]]></ChangeType><UserID><![CDATA[li.na]]></UserID><ExternalUserID><![CDATA[wmTEST00003]]></ExternalUserID></xml>`,
      { times: 3 },
    );
    expect([res.status, res.body]).toEqual([200, "success"]);
    await s.settle();
    expect(num((await s.ds.query("SELECT COUNT(*) AS n FROM wecom_events"))[0].n)).toBe(events + 1);
    expect(gets() - before).toBe(1);
  });

  it("edits a remark", async () => {
    await s.sim.editFollow("li.na", "wmTEST00003", { remark: "老顾客-王姐" });
    await s.settle();
    expect((await relation("wmTEST00003", "li.na")).remark).toBe("老顾客-王姐");
  });

  it("ends relations deleted by the staff member or by the customer", async () => {
    await s.sim.deleteFollowByStaff("li.na", "wmTEST00006");
    await s.sim.deleteFollowByCustomer("wang.fang", "wmTEST00001");
    await s.settle();
    expect((await relation("wmTEST00006", "li.na")).status).toBe("deleted_by_staff");
    expect((await relation("wmTEST00001", "wang.fang")).status).toBe("deleted_by_customer");
  });

  it("follows group joins, leaves, renames, creation and dismissal", async () => {
    await s.sim.joinGroup("wrGROUP0", {
      userid: "wmNEW00001",
      type: 2,
      join_time: Math.floor(Date.now() / 1000),
      join_scene: 3,
    });
    await s.sim.leaveGroup("wrGROUP0", "wmTEST00000", 0);
    await s.sim.renameGroup("wrGROUP0", "静安店VIP群");
    await s.settle();
    expect((await member("wrGROUP0", "wmNEW00001")).left_at).toBeNull();
    expect((await member("wrGROUP0", "wmTEST00000")).left_at).not.toBeNull();
    const [g] = await s.ds.query("SELECT name, member_version FROM customer_groups WHERE chat_id = 'wrGROUP0'");
    expect(g.name).toBe("静安店VIP群");
    expect(g.member_version).toBe(s.sim.state.groups.get("wrGROUP0")!.member_version);

    await s.sim.createGroup({
      chat_id: "wrNEWGROUP",
      name: "新群",
      owner: "wang.fang",
      create_time: 1_730_000_000,
      status: 0,
      admins: [],
      member_version: "n1",
      members: [{ userid: "wang.fang", type: 1, join_time: 1_730_000_000, join_scene: 1 }],
    });
    await s.sim.dismissGroup("wrGROUP2");
    await s.settle();
    expect((await s.ds.query("SELECT status FROM customer_groups WHERE chat_id = 'wrNEWGROUP'"))[0].status).toBe(
      "active",
    );
    expect((await s.ds.query("SELECT status FROM customer_groups WHERE chat_id = 'wrGROUP2'"))[0].status).toBe(
      "dismissed",
    );
  });

  it("skips re-reading a group whose member version it already has", async () => {
    const version = s.sim.state.groups.get("wrGROUP0")!.member_version;
    const gets = () => s.sim.calls.filter((c) => c.api.endsWith("groupchat/get")).length;
    const before = gets();
    await s.sim.deliver(
      `<xml><ToUserName><![CDATA[wwTESTCORP0000001]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1732406401</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_chat]]></Event><ChatId><![CDATA[wrGROUP0]]></ChatId><ChangeType><![CDATA[update]]></ChangeType><UpdateDetail><![CDATA[add_member]]></UpdateDetail><JoinScene>0</JoinScene><MemChangeCnt>1</MemChangeCnt><MemChangeList><Item>wmNEW00001</Item></MemChangeList><LastMemVer>x</LastMemVer><CurMemVer>${version}</CurMemVer></xml>`,
    );
    await s.settle();
    expect(gets()).toBe(before);
  });

  it("refreshes corp tags on change_external_tag", async () => {
    s.sim.state.tagGroups
      .get("etGROUP1")!
      .tags.push({ id: "etGOLD", name: "金卡", order: 2, create_time: 1_730_000_000 });
    await s.sim.deliver(
      `<xml><ToUserName><![CDATA[wwTESTCORP0000001]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1403610513</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_tag]]></Event><Id><![CDATA[etGOLD]]></Id><TagType><![CDATA[tag]]></TagType><ChangeType><![CDATA[create]]></ChangeType></xml>`,
    );
    await s.settle();
    expect((await s.ds.query("SELECT name, source FROM tags WHERE code = 'wecom:etGOLD'"))[0]).toEqual({
      name: "金卡",
      source: "wecom",
    });
  });

  it("refuses a forged callback with nothing stored", async () => {
    const before = num((await s.ds.query("SELECT COUNT(*) AS n FROM wecom_events"))[0].n);
    const res = await s
      .client()
      .post(
        "/wecom/callback?msg_signature=0123456789abcdef0123456789abcdef01234567&timestamp=1&nonce=2",
        "<xml><ToUserName><![CDATA[wwTESTCORP0000001]]></ToUserName><Encrypt><![CDATA[AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=]]></Encrypt></xml>",
        { "content-type": "text/xml" },
      );
    expect(res.status).toBe(403);
    expect(num((await s.ds.query("SELECT COUNT(*) AS n FROM wecom_events"))[0].n)).toBe(before);
  });

  it("retries a failed event from the backlog", async () => {
    s.sim.faults.failNext("externalcontact/get", 40096, 1); // not retryable: the first attempt fails
    await s.sim.editFollow("wang.fang", "wmTEST00004", { remark: "第二次才成功" });
    await s.settle().catch(() => undefined);
    const [failed] = await s.ds.query("SELECT id, status FROM wecom_events ORDER BY id DESC LIMIT 1");
    expect(failed.status).toBe("failed");
    expect(await s.services().inbox.processBacklog()).toBe(1);
    expect((await relation("wmTEST00004", "wang.fang")).remark).toBe("第二次才成功");
  });
});
