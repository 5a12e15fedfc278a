import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerTag, Tag } from "../../server/src/modules/tags/tag.entity.ts";
import { followKey } from "../../server/src/wecom/simulator/index.ts";
import { given } from "../support/given.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";

const card = {
  title: "新任务：双11老客唤醒",
  description: "请在今晚 20:00 前完成 12 位客户的私聊",
  url: "https://siyu.example.com/sidebar/tasks/1",
};

describe(`app messages to staff (${testDialect()})`, () => {
  let s: WecomTestServer;
  beforeAll(async () => {
    s = await startWecomTestServer();
    await s.services().sync.run("test");
  });
  afterAll(() => s.stop());

  it("sends a text card and records the receivers WeCom could not reach, case-insensitively", async () => {
    const out = await s.services().notifications.sendTextCard("task_assigned", ["li.na", "Ghost.User"], card);
    expect(out).toEqual({ status: "partial", invalid: ["Ghost.User"], unlicensed: [] });
    const sent = s.sim.state.appMessages.at(-1)!;
    expect(sent.touser).toEqual(["li.na"]);
    expect(sent.body).toMatchObject({ msgtype: "textcard", agentid: 1000002, textcard: card });
    const [row] = await s.ds.query("SELECT status, invalid_users FROM app_messages ORDER BY id DESC LIMIT 1");
    expect(row).toEqual({ status: "partial", invalid_users: JSON.stringify(["Ghost.User"]) });
  });

  it("records a message nobody could receive as failed (81013)", async () => {
    const out = await s.services().notifications.sendTextCard("reminder", ["nobody1", "Nobody2"], card);
    expect(out).toEqual({ status: "failed", invalid: ["nobody1", "Nobody2"], unlicensed: [] });
  });

  it("sends a deduplicated notification once, even from two callers at once", async () => {
    const before = s.sim.state.appMessages.length;
    const [a, b] = await Promise.all([
      s.services().notifications.sendTextCard("task_assigned", ["wang.fang"], card, "task:1:assigned"),
      s.services().notifications.sendTextCard("task_assigned", ["wang.fang"], card, "task:1:assigned"),
    ]);
    expect([a.status, b.status].sort()).toEqual(["duplicate", "sent"]);
    expect(s.sim.state.appMessages.length - before).toBe(1);
  });
});

describe(`tag mirror into WeCom corp tags (${testDialect()})`, () => {
  let s: WecomTestServer;
  beforeAll(async () => {
    s = await startWecomTestServer();
    await s.services().sync.run("test");
    // two system tags chosen for mirroring, one not mirrored; customers tagged by index
    const now = new Date();
    const g = given(s.ds);
    const group = await g.tagGroup({ code: "rfm", name: "RFM", source: "rfm" });
    const mk = (code: string, name: string, mirror: boolean) =>
      g.tag(group.id, { code, name, source: "rfm", isSystem: true, mirrorToWecom: mirror });
    const value = await mk("rfm:important_value", "重要价值客户", true);
    const retain = await mk("rfm:important_retain", "重要挽留客户", true);
    const hidden = await mk("rfm:general_keep", "一般保持客户", false);
    const customers: { id: number; external_userid: string }[] = await s.ds.query(
      "SELECT id, external_userid FROM customers ORDER BY external_userid",
    );
    const rows = customers.flatMap((c, i) => (i % 3 === 0 ? [value] : i % 3 === 1 ? [retain, hidden] : [])).length;
    expect(rows).toBeGreaterThan(0);
    for (const [i, c] of customers.entries()) {
      const tags = i % 3 === 0 ? [value] : i % 3 === 1 ? [retain, hidden] : [];
      for (const t of tags)
        await s.ds
          .getRepository(CustomerTag)
          .insert({ customerId: c.id, tagId: t.id, source: "rfm", assignedBy: null, createdAt: now });
    }
  });
  afterAll(() => s.stop());

  /** For every active relation: Siyu's mirrored tag ids for the customer vs WeCom's owned ids on the relation. */
  async function compare() {
    const owned = new Set(
      (await s.ds.query("SELECT wecom_tag_id FROM tags WHERE mirror_to_wecom = 1")).map(
        (r: { wecom_tag_id: string }) => r.wecom_tag_id,
      ),
    );
    const rels: { userid: string; external_userid: string; ids: string | null }[] = await s.ds.query(
      `SELECT st.userid, c.external_userid, (SELECT GROUP_CONCAT(t.wecom_tag_id) FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
               WHERE ct.customer_id = c.id AND t.mirror_to_wecom = 1) AS ids
         FROM follow_relations f JOIN customers c ON c.id = f.customer_id JOIN staff st ON st.id = f.staff_id WHERE f.status = 'active'`,
    );
    let mismatches = 0;
    for (const r of rels) {
      const want = new Set(r.ids ? r.ids.split(",") : []);
      const have = (s.sim.state.follows.get(followKey(r.userid, r.external_userid))?.tag_ids ?? []).filter((id) =>
        owned.has(id),
      );
      if (have.length !== want.size || have.some((id) => !want.has(id))) mismatches++;
    }
    return { relations: rels.length, mismatches };
  }

  it("creates its own tag group, makes WeCom equal to Siyu for every relation, and never touches other tags", async () => {
    const report = await s.services().tagMirror.run();
    expect(report.tagsCreated).toBe(2);
    expect(report.failed).toBe(0);
    const own = [...s.sim.state.tagGroups.values()].filter((g) => g.group_name === "私域系统标签");
    expect(own).toHaveLength(1);
    expect(own[0]!.tags.map((t) => t.name).sort()).toEqual(["重要价值客户", "重要挽留客户"]);
    expect(await compare()).toMatchObject({ mismatches: 0 });
    // the corp's own VIP tag stays where it was
    expect(s.sim.state.follows.get(followKey("li.na", "wmTEST00000"))!.tag_ids).toContain("etVIP");
  });

  it("calls mark_tag zero times when nothing changed", async () => {
    const before = s.sim.calls.filter((c) => c.api === "externalcontact/mark_tag").length;
    const report = await s.services().tagMirror.run();
    expect(report).toMatchObject({ tagsCreated: 0, marked: 0, failed: 0 });
    expect(s.sim.calls.filter((c) => c.api === "externalcontact/mark_tag").length).toBe(before);
  });

  it("sends only the difference, and catches up after failures", async () => {
    const [c] = await s.ds.query("SELECT id FROM customers WHERE external_userid = 'wmTEST00000'");
    await s.ds.query("DELETE FROM customer_tags WHERE customer_id = ?", [c.id]);
    const retain = await s.ds.getRepository(Tag).findOneByOrFail({ code: "rfm:important_retain" });
    await s.ds
      .getRepository(CustomerTag)
      .insert({ customerId: c.id, tagId: retain.id, source: "rfm", assignedBy: null, createdAt: new Date() });
    // wmTEST00000 is followed by li.na and wang.fang: the first call fails for good, the second succeeds
    s.sim.faults.failNext("externalcontact/mark_tag", 40068, 1);
    const first = await s.services().tagMirror.run();
    expect(first).toMatchObject({ marked: 1, failed: 1 });
    expect((await compare()).mismatches).toBe(1);
    const second = await s.services().tagMirror.run();
    expect(second).toMatchObject({ marked: 1, failed: 0 });
    expect((await compare()).mismatches).toBe(0);
    const last = s.sim.calls.filter((x) => x.api === "externalcontact/mark_tag").at(-1);
    expect(last?.errcode).toBe(0);
  });
});
