import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { GroupActivityDaily, type GroupMember } from "../../server/src/modules/groups/group.entity.ts";
import { StaffStore } from "../../server/src/modules/staff/staff.entity.ts";
import { Campaign, Target } from "../../server/src/modules/campaigns/campaign.entity.ts";
import { addDays, businessDay, dayStartOf } from "../../server/src/modules/groups/business-day.ts";
import { GROUP_HEALTH_JOB, GROUP_WECOM_STATS_JOB } from "../../server/src/modules/groups/group-jobs.ts";
import { groupDayKey } from "../../server/src/wecom/simulator/model.ts";
import { given } from "../support/given.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";

const DAY = 86_400_000;

describe(`groups over HTTP: list, page, health and alerts (${testDialect()})`, () => {
  let s: WecomTestServer;
  const now = new Date();
  const ago = (days: number) => new Date(now.getTime() - days * DAY);
  const yesterday = addDays(businessDay(now), -1);
  const ids: Record<string, number> = {};

  beforeAll(async () => {
    s = await startWecomTestServer();
    const g = given(s.ds);
    const sh = await g.store({ code: "SH01", name: "上海店" });
    const hz = await g.store({ code: "HZ01", name: "杭州店" });
    const li = await g.staff({ userid: "li.na", name: "李娜", storeIds: [sh.id] });
    const mgr = await g.staff({ userid: "zhang.wei", name: "张伟" });
    await s.ds.getRepository(StaffStore).save({ staffId: mgr.id, storeId: sh.id, isManager: true });
    const wang = await g.staff({ userid: "wang.fang", name: "王芳", storeIds: [hz.id] });
    const group = async (name: string, owner: { id: number; userid: string }, memberCount: number) => {
      const row = await g.group(owner, {
        chatId: `wr${name}`,
        name,
        memberCount,
        wecomCreatedAt: ago(60),
        createdAt: ago(60),
        updatedAt: now,
      });
      ids[name] = row.id;
      return row.id;
    };
    let n = 0;
    const member = (groupId: number, p: Partial<GroupMember>) =>
      g.groupMember(groupId, { memberId: `wm${++n}`, name: `成员${n}`, joinedAt: ago(40), joinScene: 3, ...p });
    const activity = (groupId: number, day: string, messages: number) =>
      s.ds.getRepository(GroupActivityDaily).save({
        groupId,
        day,
        source: "bot" as const,
        messages,
        activeMembers: Math.min(messages, 3),
        joins: 0,
        leaves: 0,
        memberTotal: 20,
        updatedAt: now,
      });

    // 活跃群: 20 members 40 days ago; 2 of them left 3 days ago; 2 joined 5 days ago (20 now);
    // 3 spoke yesterday, 2 more 10 days ago
    const a = await group("活跃群", li, 20);
    for (let i = 0; i < 20; i++)
      await member(a, {
        leftAt: i < 2 ? ago(3) : null,
        lastMessageAt: i >= 2 && i < 5 ? ago(1) : i >= 5 && i < 7 ? ago(10) : null,
        messageCount: i >= 2 && i < 7 ? 4 : 0,
      });
    for (let i = 0; i < 2; i++) await member(a, { joinedAt: ago(5) });
    await activity(a, yesterday, 10);
    await activity(a, addDays(yesterday, -6), 5);
    await activity(a, addDays(yesterday, -7), 7);
    await activity(a, addDays(yesterday, -30), 100);
    await activity(a, businessDay(now), 50);
    // 沉默群: 5 members, the last message 20 days ago, bot rows only 10 days ago
    const b = await group("沉默群", li, 5);
    for (let i = 0; i < 5; i++) await member(b, { lastMessageAt: i === 0 ? ago(20) : null });
    await activity(b, addDays(yesterday, -10), 3);
    // 杭州群: another store, no bot rows (not followed by the bot: never "silent")
    const c = await group("杭州群", wang, 2);
    for (let i = 0; i < 2; i++) await member(c, {});

    const campaign = await s.ds.getRepository(Campaign).save({
      name: "双十一群发",
      goal: null,
      status: "running" as const,
      channel: "group_post" as const,
      segmentId: null,
      audienceRule: null,
      audienceListId: null,
      materials: [],
      scope: null,
      startAt: ago(2),
      deadlineAt: ago(-2),
      reminders: null,
      conversionWindowDays: 7,
      holdoutBp: 0,
      assignmentRule: "first_added" as const,
      seed: 0,
      automationId: null,
      launchReport: null,
      createdBy: null,
      launchedAt: ago(2),
      createdAt: ago(2),
      updatedAt: ago(2),
    });
    await s.ds.getRepository(Target).save({
      campaignId: campaign.id,
      taskId: null,
      staffId: li.id,
      customerId: null,
      groupId: a,
      status: "sent" as const,
      isControl: false,
      variant: null,
      reason: null,
      sentAt: ago(1),
      convertedAt: null,
      conversionOrderId: null,
      revenueCents: 0,
      createdAt: ago(2),
      updatedAt: ago(1),
    });
    await g.user({ username: "ops.user", role: "hq_operator" });
    await g.user({ username: "mgr.sh", role: "store_manager", storeCodes: ["SH01"] });
    expect(await s.jobs.runNow(GROUP_HEALTH_JOB)).toBe("ran");
  });
  afterAll(() => s.stop());

  const as = async (username: string) => {
    const http = s.client();
    await http.post("/api/v1/auth/login", { username, password: "correct-horse-9" });
    return http;
  };

  it("lists groups with the bot's figures, health and open alerts, computed as the README says", async () => {
    const res = await (await as("ops.user")).get("/api/v1/groups?sort=-health");
    expect(res.status, res.text).toBe(200);
    expect(res.body.total).toBe(3);
    const byName = Object.fromEntries(res.body.items.map((i: { name: string }) => [i.name, i]));
    // 活跃群: activity 200*3/20 = 30; growth 15 + 300*(2-2)/20 = 15; churn 30 - 150*2/20 = 15
    expect(byName["活跃群"]).toMatchObject({
      owner: { userid: "li.na", name: "李娜" },
      members: 20,
      activeMembers7d: 3,
      activeMembers30d: 5,
      messages7d: 15,
      messages30d: 22,
      health: { score: 60, band: "fair", activity: 30, growth: 15, churn: 15, members7dAgo: 20, leaves7d: 2 },
      openAlerts: 1,
    });
    // 沉默群: activity 0; growth 15; churn 30
    expect(byName["沉默群"]).toMatchObject({
      messages7d: 0,
      messages30d: 3,
      activeMembers30d: 1,
      health: { score: 45, activity: 0, growth: 15, churn: 30 },
      openAlerts: 1,
    });
    // 杭州群: nobody active, nobody left: 0 + 15 + 30
    expect(byName["杭州群"]).toMatchObject({ health: { score: 45 }, openAlerts: 0 });
    expect(res.body.items[0].name).toBe("活跃群");
    expect(res.body.windows).toEqual({
      from7d: addDays(yesterday, -6),
      from30d: addDays(yesterday, -29),
      to: yesterday,
    });

    const filtered = await (await as("ops.user")).get("/api/v1/groups?alert=no_messages_7d");
    expect(filtered.body.items.map((i: { name: string }) => i.name)).toEqual(["沉默群"]);
    const bad = await (await as("ops.user")).get("/api/v1/groups?sort=size");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe("sort");
  });

  it("raises each alert once, tells the owner and the store manager, and lets it be resolved", async () => {
    const http = await as("ops.user");
    const open = await http.get("/api/v1/groups/alerts");
    expect(open.status).toBe(200);
    const kinds = open.body.items.map((a: { groupName: string; kind: string }) => `${a.groupName}:${a.kind}`).sort();
    expect(kinds).toEqual(["沉默群:no_messages_7d", "活跃群:member_loss_5pct"]);
    const messages: { touser: string; dedupe_key: string }[] = await s.ds.query(
      "SELECT touser, dedupe_key FROM app_messages WHERE kind = 'alert' ORDER BY id",
    );
    expect(messages).toHaveLength(2);
    for (const m of messages) expect(JSON.parse(m.touser)).toEqual(["li.na", "zhang.wei"]);

    // a second run (another instance, or the same day again) raises and sends nothing new
    expect(await s.jobs.runNow(GROUP_HEALTH_JOB)).toBe("ran");
    expect((await http.get("/api/v1/groups/alerts?status=all")).body.total).toBe(2);
    const loss = open.body.items.find((a: { kind: string }) => a.kind === "member_loss_5pct");
    const resolved = await http.post(`/api/v1/groups/alerts/${loss.id}/resolve`);
    expect(resolved.status, resolved.text).toBe(200);
    expect(resolved.body.alert).toMatchObject({ status: "resolved", resolvedBy: "ops.user" });
    expect(await s.jobs.runNow(GROUP_HEALTH_JOB)).toBe("ran");
    // same (group, kind, period): not raised again today
    expect((await http.get("/api/v1/groups/alerts")).body.items).toHaveLength(1);
    expect(num((await s.ds.query("SELECT COUNT(*) AS n FROM app_messages WHERE kind = 'alert'"))[0].n)).toBe(2);
  });

  it("shows a group's page: 60 days of trend per source, members, alerts and group-post campaigns", async () => {
    const res = await (await as("ops.user")).get(`/api/v1/groups/${ids["活跃群"]}`);
    expect(res.status, res.text).toBe(200);
    const t = res.body.trend;
    expect(t.days).toHaveLength(60);
    expect(t.to).toBe(yesterday);
    expect(t.bot.messages[59]).toBe(10);
    expect(t.bot.messages[53]).toBe(5);
    expect(t.bot.messages[29]).toBe(100);
    expect(t.bot.messages[58]).toBeNull();
    expect(t.wecom).toMatchObject({ source: "wecom", scope: "owner", ownerUserid: "li.na" });
    expect(res.body.group.stores).toEqual([{ id: expect.any(Number), name: "上海店" }]);
    expect(res.body.members).toHaveLength(22);
    expect(res.body.members[0]).toMatchObject({ messageCount: 4, leftAt: null });
    expect(res.body.members.filter((m: { leftAt: string | null }) => m.leftAt)).toHaveLength(2);
    expect(res.body.campaigns).toEqual([
      expect.objectContaining({ name: "双十一群发", targetStatus: "sent", status: "running" }),
    ]);
    expect(res.body.alerts.map((a: { kind: string }) => a.kind)).toEqual(["member_loss_5pct"]);
  });

  it("keeps store managers to their stores' groups (404 otherwise)", async () => {
    const http = await as("mgr.sh");
    const list = await http.get("/api/v1/groups");
    expect(list.body.items.map((i: { name: string }) => i.name).sort()).toEqual(["沉默群", "活跃群"]);
    expect((await http.get(`/api/v1/groups/${ids["杭州群"]}`)).status).toBe(404);
    expect((await http.get(`/api/v1/groups/${ids["活跃群"]}`)).status).toBe(200);
    expect((await http.post("/api/v1/groups/health/recompute")).status).toBe(403);
  });

  it("pulls WeCom's per-owner statistics into their own rows, labelled 'wecom', once per day", async () => {
    // the simulator's activity for the owner's group: 8 messages by 3 people yesterday, 4 by 2 the day before
    const begin = (day: string) => dayStartOf(day).getTime() / 1000;
    s.sim.state.groupDayStats.set(groupDayKey("wrGROUP0", begin(yesterday)), { msg_cnt: 8, member_has_msg: 3 });
    s.sim.state.groupDayStats.set(groupDayKey("wrGROUP0", begin(addDays(yesterday, -1))), {
      msg_cnt: 4,
      member_has_msg: 2,
    });
    const first = await s.app.services.groupStats!.pull();
    // 30 missing days and 2 owners: one statistic_group_by_day call per owner is cheaper
    expect(first).toMatchObject({ owners: 2, rows: 60, calls: 2, via: "statistic_group_by_day" });
    expect(first.days).toHaveLength(30);
    const http = await as("ops.user");
    const stats = await http.get(`/api/v1/groups/wecom-stats?owner=li.na&from=${addDays(yesterday, -1)}`);
    expect(stats.status, stats.text).toBe(200);
    expect(
      stats.body.items.map((r: { day: string; msgTotal: number; memberHasMsg: number; source: string }) => [
        r.day,
        r.msgTotal,
        r.memberHasMsg,
        r.source,
      ]),
    ).toEqual([
      [addDays(yesterday, -1), 4, 2, "wecom"],
      [yesterday, 8, 3, "wecom"],
    ]);
    // nothing missing: no call
    expect(await s.app.services.groupStats!.pull()).toMatchObject({ rows: 0, calls: 0, via: "none" });
    // one day missing: one groupchat/statistic call covers both owners
    await s.ds.query("DELETE FROM group_owner_stats_daily WHERE day = ?", [yesterday]);
    expect(await s.app.services.groupStats!.pull()).toMatchObject({ rows: 2, calls: 1, via: "statistic" });
    expect(num((await s.ds.query("SELECT COUNT(*) AS n FROM group_owner_stats_daily"))[0].n)).toBe(60);
    // and beside the bot's figures on the list, labelled
    const list = await http.get("/api/v1/groups?owner=li.na");
    expect(list.body.wecom).toEqual([
      expect.objectContaining({ source: "wecom", ownerUserid: "li.na", msgTotal7d: 12, latestDay: yesterday }),
    ]);
    const page = await http.get(`/api/v1/groups/${ids["活跃群"]}`);
    expect(page.body.trend.wecom.msgTotal.slice(58)).toEqual([4, 8]);
    expect((await http.post("/api/v1/groups/wecom-stats/pull")).status).toBe(202);
    expect(s.jobs.has(GROUP_WECOM_STATS_JOB)).toBe(true);
  });
});

describe(`group tags follow membership callbacks (${testDialect()})`, () => {
  let s: WecomTestServer;
  beforeAll(async () => {
    s = await startWecomTestServer();
    await s.services().sync.run("test");
  });
  afterAll(() => s.stop());

  const groupTags = async (ext: string) =>
    (
      (await s.ds.query(
        `SELECT t.code FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id JOIN customers c ON c.id = ct.customer_id
          WHERE c.external_userid = ? AND ct.source = 'group'`,
        [ext],
      )) as { code: string }[]
    )
      .map((r) => r.code)
      .sort();

  it("tags a customer who joins a group with group:<chat_id> and removes it when they leave", async () => {
    // wmTEST00001 (i % 3 = 1) is in wrGROUP1 only
    expect(await groupTags("wmTEST00001")).toEqual([]);
    await s.sim.joinGroup("wrGROUP0", {
      userid: "wmTEST00001",
      type: 2,
      join_time: Math.floor(Date.now() / 1000),
      join_scene: 3,
    });
    await s.settle();
    // the refresh for wrGROUP0's members also writes their other group tags (and group_silent)
    expect(await groupTags("wmTEST00001")).toEqual(["group:wrGROUP0", "group:wrGROUP1", "group_silent"]);
    await s.sim.leaveGroup("wrGROUP0", "wmTEST00001", 0);
    await s.settle();
    expect(await groupTags("wmTEST00001")).toEqual(["group:wrGROUP1", "group_silent"]);
    // someone who is not in wrGROUP0 is left as they were until the periodic refresh
    expect(await groupTags("wmTEST00002")).toEqual([]);
    await s.app.services.rfm.refreshGroupTags();
    expect(await groupTags("wmTEST00002")).toEqual(["group:wrGROUP2", "group_silent"]);
  });
});
