import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { CampaignTracking } from "../../server/src/modules/campaigns/campaign-tracking.ts";
import { CustomerGroup } from "../../server/src/modules/groups/group.entity.ts";
import type { GroupPoster } from "../../server/src/modules/group-sops/group-poster.ts";
import { GROUP_SOPS_JOB } from "../../server/src/modules/group-sops/group-sop-jobs.ts";
import { GroupSopRunner } from "../../server/src/modules/group-sops/group-sop-runner.ts";
import { MaterialsService } from "../../server/src/modules/materials/materials.service.ts";
import { SidebarWorkService } from "../../server/src/modules/sidebar/sidebar-work.service.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

const uniq = () => Math.random().toString(36).slice(2, 8);

describe(`group SOPs (${testDialect()})`, () => {
  // Tuesday 2026-11-24 09:00 in Shanghai
  const clock = fixedClock(new Date("2026-11-24T01:00:00.000Z"));
  let s: TestServer;
  let admin: HttpClient;
  let operator: HttpClient;
  let manager: HttpClient;
  let materials: MaterialsService;
  const ids = { storeA: 0, storeB: 0, li: 0, wang: 0, zhao: 0, text: 0, image: 0 };
  const groups = { li1: 0, li2: 0, wang: 0, zhao: 0, dismissed: 0 };

  const signIn = async (role: "hq_admin" | "hq_operator" | "store_manager", storeCodes: string[] = []) => {
    const user = await given(s.ds).user({ role, storeCodes });
    const client = s.client();
    expect((await client.post("/api/v1/auth/login", { username: user.username, password: user.password })).status).toBe(
      200,
    );
    return client;
  };
  const group = async (ownerStaffId: number, name: string, status: "active" | "dismissed" = "active") => {
    const at = clock.now();
    const g = await s.ds.getRepository(CustomerGroup).save({
      chatId: `wr${uniq()}${uniq()}`,
      name,
      ownerStaffId,
      ownerUserid: `u${ownerStaffId}`,
      notice: null,
      wecomStatus: 0,
      status,
      memberVersion: null,
      memberCount: 3,
      wecomCreatedAt: null,
      dismissedAt: null,
      syncedAt: null,
      createdAt: at,
      updatedAt: at,
    });
    return g.id;
  };
  const body = (over: Record<string, unknown> = {}) => ({
    name: `每日小贴士 ${uniq()}`,
    materialId: ids.text,
    targets: { kind: "groups", groupIds: [groups.li1] },
    schedule: "0 10 * * *",
    dueHours: 4,
    ...over,
  });
  const runJob = () => s.jobs.runNow(GROUP_SOPS_JOB);
  const runsOf = async (sopId: number) => (await admin.get(`/api/v1/group-sops/${sopId}/runs`)).body.items;
  const tasksOf = async (campaignId: number) =>
    (
      (await s.ds.query(
        "SELECT id, staff_id, status, targets_total, targets_pending, due_at FROM tasks WHERE campaign_id = ? ORDER BY staff_id",
        [campaignId],
      )) as Record<string, unknown>[]
    ).map((r) => ({
      id: num(r.id),
      staffId: num(r.staff_id),
      status: String(r.status),
      total: num(r.targets_total),
      pending: num(r.targets_pending),
    }));
  const targetsOf = async (campaignId: number) =>
    (
      (await s.ds.query(
        "SELECT id, group_id, staff_id, customer_id, status, reason FROM targets WHERE campaign_id = ? ORDER BY group_id",
        [campaignId],
      )) as Record<string, unknown>[]
    ).map((r) => ({
      id: num(r.id),
      groupId: num(r.group_id),
      staffId: num(r.staff_id),
      customerId: r.customer_id,
      status: String(r.status),
      reason: r.reason ?? null,
    }));
  const cards = async (taskId: number) =>
    num(
      (await s.ds.query("SELECT COUNT(*) AS n FROM app_messages WHERE dedupe_key = ?", [`task:${taskId}:assigned`]))[0]
        ?.n,
    );
  /** the app's job runs on its own clock; a second runner stands for another instance (or the bot) */
  const runner = (poster: GroupPoster | null) =>
    new GroupSopRunner(
      s.ds,
      materials,
      s.app.services.wecom!.notifications,
      clock,
      createLogger("silent"),
      "https://siyu.test",
      poster,
    );

  beforeAll(async () => {
    s = await startTestServer({ clock, startJobs: false });
    const g = given(s.ds);
    const a = await g.store({ code: `A${uniq()}`, name: "静安店" });
    const b = await g.store({ code: `B${uniq()}`, name: "徐汇店" });
    ids.storeA = a.id;
    ids.storeB = b.id;
    ids.li = (await g.staff({ name: "李娜", storeIds: [a.id] })).id;
    ids.wang = (await g.staff({ name: "王芳", storeIds: [a.id] })).id;
    ids.zhao = (await g.staff({ name: "赵敏", storeIds: [b.id] })).id;
    groups.li1 = await group(ids.li, "李娜一群");
    groups.li2 = await group(ids.li, "李娜二群");
    groups.wang = await group(ids.wang, "王芳的群");
    groups.zhao = await group(ids.zhao, "赵敏的群");
    groups.dismissed = await group(ids.li, "已解散", "dismissed");
    materials = new MaterialsService(s.ds, clock);
    ids.text = (
      await materials.save({ title: "小贴士", content: { type: "text", text: "{{staff.name}}：今日护肤小贴士" } }, null)
    ).id;
    ids.image = (
      await materials.save({ title: "海报", content: { type: "image", image: "https://img.example.com/a.png" } }, null)
    ).id;
    admin = await signIn("hq_admin");
    operator = await signIn("hq_operator");
    manager = await signIn("store_manager", [a.code]);
  });
  afterAll(async () => {
    await s.stop();
  });
  // admin sessions expire on the test's clock: each test (and each jump in time) signs in again
  const jump = async (iso: string) => {
    clock.set(new Date(iso));
    admin = await signIn("hq_admin");
  };
  beforeEach(() => jump("2026-11-24T01:00:00.000Z"));

  it("names every invalid field with 400", async () => {
    const r = await admin.post(
      "/api/v1/group-sops",
      body({ name: "", schedule: "0 10 * *", dueHours: 0, targets: { kind: "tags", ids: [1] } }),
    );
    expect(r.status).toBe(400);
    const fields = r.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(expect.arrayContaining(["name", "schedule", "dueHours", "targets.kind"]));
    expect(r.body.error.details.fields).toContainEqual({
      field: "schedule",
      reason: "needs five fields: minute hour day month weekday",
    });

    const tooOften = await admin.post("/api/v1/group-sops", body({ schedule: "*/10 * * * *" }));
    expect(tooOften.status).toBe(400);
    expect(tooOften.body.error.details.fields).toEqual([{ field: "schedule", reason: "fires more than once an hour" }]);

    const unknown = await admin.post(
      "/api/v1/group-sops",
      body({ materialId: 999_999, targets: { kind: "groups", groupIds: [groups.li1, 888_888] } }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields).toEqual([
      { field: "materialId", reason: "no such material" },
      { field: "targets.groupIds", reason: "unknown: 888888" },
    ]);

    const image = await admin.post("/api/v1/group-sops", body({ materialId: ids.image, botAutoPost: true }));
    expect(image.status).toBe(400);
    expect(image.body.error.details.fields).toEqual([
      { field: "botAutoPost", reason: "the bot posts text or link materials, not image" },
    ]);
  });

  it("lets only an HQ admin allow the bot to post by itself", async () => {
    expect((await operator.post("/api/v1/group-sops", body({ botAutoPost: true }))).status).toBe(403);
    expect((await manager.post("/api/v1/group-sops", body({ botAutoPost: true }))).status).toBe(403);
    const created = await admin.post("/api/v1/group-sops", body({ botAutoPost: true }));
    expect(created.status).toBe(201);
    expect(created.body.botAutoPost).toBe(true);
    // an operator may edit it and keep the admin's permission, or switch it off
    const kept = await operator.request("PUT", `/api/v1/group-sops/${created.body.id}`, body({ botAutoPost: true }));
    expect(kept.status).toBe(200);
    await admin.request("DELETE", `/api/v1/group-sops/${created.body.id}`);
  });

  it("turns a due post into one task per owner with one target per group, notifies them, and never twice", async () => {
    const created = await admin.post(
      "/api/v1/group-sops",
      body({ name: "门店早安", targets: { kind: "stores", storeIds: [ids.storeA, ids.storeB] }, dueHours: 6 }),
    );
    expect(created.status).toBe(201);
    const sopId = created.body.id;
    expect(created.body.nextRunAt).toBe("2026-11-24T02:00:00.000Z"); // 10:00 in Shanghai

    // 09:30: not due yet
    clock.set(new Date("2026-11-24T01:30:00.000Z"));
    expect(await runJob()).toBe("ran");
    expect(await runsOf(sopId)).toEqual([]);

    // 10:00:30: due
    clock.set(new Date("2026-11-24T02:00:30.000Z"));
    expect(await runJob()).toBe("ran");
    const [run] = await runsOf(sopId);
    expect(run).toMatchObject({
      occursAt: "2026-11-24T02:00:00.000Z",
      status: "done",
      groups: 4,
      tasks: 3,
      skippedSlots: 0,
      targets: { pending: 4, sent: 0, skipped: 0, failed: 0 },
      dueAt: "2026-11-24T08:00:00.000Z",
    });
    const campaign = (await admin.get(`/api/v1/campaigns/${run.campaignId}`)).body;
    expect(campaign).toMatchObject({ channel: "group_post", status: "running" });
    const tasks = await tasksOf(run.campaignId);
    expect(tasks.map(({ staffId, status, total, pending }) => ({ staffId, status, total, pending }))).toEqual(
      [
        { staffId: ids.li, status: "open", total: 2, pending: 2 },
        { staffId: ids.wang, status: "open", total: 1, pending: 1 },
        { staffId: ids.zhao, status: "open", total: 1, pending: 1 },
      ].sort((x, y) => x.staffId - y.staffId),
    );
    const targets = await targetsOf(run.campaignId);
    expect(targets.map((t) => t.groupId).sort()).toEqual([groups.li1, groups.li2, groups.wang, groups.zhao].sort());
    expect(targets.every((t) => t.status === "pending" && t.customerId === null)).toBe(true);
    for (const t of tasks) expect(await cards(t.id)).toBe(1);

    // the owner sees it in the sidebar's group page, material rendered for them
    const sidebar = new SidebarWorkService(
      s.ds,
      clock,
      materials,
      new CampaignTracking(s.ds, clock, createLogger("silent"), null, "https://siyu.test"),
    );
    const [li1] = await s.ds.getRepository(CustomerGroup).findBy({ id: groups.li1 });
    const page = await sidebar.groupPage(ids.li, li1!.chatId);
    expect(page.pendingTargets).toEqual([
      expect.objectContaining({
        campaignId: run.campaignId,
        channel: "group_post",
        materials: [expect.objectContaining({ content: { type: "text", text: "李娜：今日护肤小贴士" } })],
      }),
    ]);

    // a re-run, and another instance that read the SOP before the first one moved it on
    expect(await runJob()).toBe("ran");
    await s.ds.query("UPDATE group_sops SET next_run_at = ? WHERE id = ?", ["2026-11-24 02:00:00.000", sopId]);
    const again = await runner(null).runDue();
    expect(again).toContainEqual(expect.objectContaining({ sopId, outcome: "duplicate" }));
    expect(await runsOf(sopId)).toHaveLength(1);
    expect(await tasksOf(run.campaignId)).toHaveLength(3);
    expect(
      num((await s.ds.query("SELECT COUNT(*) AS n FROM campaigns WHERE goal = ?", [`群SOP #${sopId}`]))[0].n),
    ).toBe(1);
    for (const t of tasks) expect(await cards(t.id)).toBe(1);
    await admin.post(`/api/v1/group-sops/${sopId}/toggle`, { enabled: false });
  });

  it("creates an occurrence once when two instances run at the same moment", async () => {
    const sopId = (await admin.post("/api/v1/group-sops", body({ targets: { kind: "owners", staffIds: [ids.li] } })))
      .body.id;
    clock.set(new Date("2026-11-24T02:00:10.000Z"));
    const [a, b] = await Promise.all([runner(null).runDue(), runner(null).runDue()]);
    const outcomes = [...a, ...b].filter((o) => o.sopId === sopId).map((o) => o.outcome);
    expect(outcomes.filter((o) => o === "created")).toHaveLength(1);
    const runs = await runsOf(sopId);
    expect(runs).toHaveLength(1);
    expect(await tasksOf(runs[0].campaignId)).toEqual([expect.objectContaining({ staffId: ids.li, total: 2 })]);
    await admin.post(`/api/v1/group-sops/${sopId}/toggle`, { enabled: false });
  });

  it("after a downtime creates only the latest missed occurrence", async () => {
    const sopId = (await admin.post("/api/v1/group-sops", body({ targets: { kind: "owners", staffIds: [ids.wang] } })))
      .body.id;
    // down until Friday 11:00: Tue, Wed, Thu and Fri slots have passed
    await jump("2026-11-27T03:00:00.000Z");
    expect(await runJob()).toBe("ran");
    const runs = await runsOf(sopId);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ occursAt: "2026-11-27T02:00:00.000Z", skippedSlots: 3, status: "done", tasks: 1 });
    expect((await admin.get(`/api/v1/group-sops/${sopId}`)).body.nextRunAt).toBe("2026-11-28T02:00:00.000Z");
    await admin.post(`/api/v1/group-sops/${sopId}/toggle`, { enabled: false });
  });

  it("does nothing for a disabled SOP", async () => {
    const off = (await admin.post("/api/v1/group-sops", body({ enabled: false }))).body;
    expect(off.nextRunAt).toBeNull();
    const toggled = (await admin.post("/api/v1/group-sops", body())).body;
    const r = await admin.post(`/api/v1/group-sops/${toggled.id}/toggle`, { enabled: false });
    expect(r.body).toMatchObject({ enabled: false, nextRunAt: null });
    await jump("2026-11-25T02:30:00.000Z");
    expect(await runJob()).toBe("ran");
    expect(await runsOf(off.id)).toEqual([]);
    expect(await runsOf(toggled.id)).toEqual([]);
    // switched back on, it starts from the next slot: the missed one is not made up
    const on = await admin.post(`/api/v1/group-sops/${toggled.id}/toggle`, { enabled: true });
    expect(on.body.nextRunAt).toBe("2026-11-26T02:00:00.000Z");
    await admin.post(`/api/v1/group-sops/${toggled.id}/toggle`, { enabled: false });
  });

  it("lets the bot post by itself: a post that works completes the task, one that fails leaves it open", async () => {
    const posted: { groupId: number; text: string }[] = [];
    const poster: GroupPoster = {
      post: async (groupId, text) => {
        posted.push({ groupId, text });
        return groupId === groups.li2 ? { ok: false, reason: "bot is not in the group" } : { ok: true };
      },
    };
    const works = (await admin.post("/api/v1/group-sops", body({ name: "机器人早安", botAutoPost: true }))).body;
    const fails = (
      await admin.post(
        "/api/v1/group-sops",
        body({ name: "机器人晚安", botAutoPost: true, targets: { kind: "groups", groupIds: [groups.li2] } }),
      )
    ).body;
    clock.set(new Date("2026-11-24T02:01:00.000Z"));
    const outcomes = await runner(poster).runDue();
    expect(outcomes.filter((o) => o.outcome === "created")).toHaveLength(2);
    expect(posted).toEqual(
      expect.arrayContaining([
        { groupId: groups.li1, text: "李娜：今日护肤小贴士" },
        { groupId: groups.li2, text: "李娜：今日护肤小贴士" },
      ]),
    );

    const [ok] = await runsOf(works.id);
    expect(ok).toMatchObject({ botPosted: 1, botFailed: 0, targets: { pending: 0, sent: 1 } });
    const [okTask] = await tasksOf(ok.campaignId);
    expect(okTask).toMatchObject({ status: "done", pending: 0 });
    expect(await cards(okTask!.id)).toBe(0); // nothing left to do: no task card
    const [okTarget] = await targetsOf(ok.campaignId);
    const events = await s.ds.query("SELECT to_status, actor_type, actor_id FROM target_events WHERE target_id = ?", [
      okTarget!.id,
    ]);
    expect(events).toEqual([{ to_status: "sent", actor_type: "system", actor_id: "bot" }]);

    const [bad] = await runsOf(fails.id);
    expect(bad).toMatchObject({ botPosted: 0, botFailed: 1, targets: { pending: 1, sent: 0 } });
    const [badTask] = await tasksOf(bad.campaignId);
    expect(badTask).toMatchObject({ status: "open", pending: 1 });
    expect((await targetsOf(bad.campaignId))[0]).toMatchObject({
      status: "pending",
      reason: "bot: bot is not in the group",
    });
    expect(await cards(badTask!.id)).toBe(1);

    for (const id of [works.id, fails.id]) await admin.post(`/api/v1/group-sops/${id}/toggle`, { enabled: false });
  });

  it("keeps store managers to their stores' groups", async () => {
    const inside = (
      await admin.post("/api/v1/group-sops", body({ targets: { kind: "groups", groupIds: [groups.wang] } }))
    ).body;
    const across = (
      await admin.post("/api/v1/group-sops", body({ targets: { kind: "stores", storeIds: [ids.storeA, ids.storeB] } }))
    ).body;
    const listed = (await manager.get("/api/v1/group-sops?pageSize=100")).body.items.map((x: { id: number }) => x.id);
    expect(listed).toContain(inside.id);
    expect(listed).not.toContain(across.id);
    expect((await manager.get(`/api/v1/group-sops/${across.id}`)).status).toBe(404);
    expect((await manager.request("PUT", `/api/v1/group-sops/${across.id}`, body())).status).toBe(404);
    expect((await manager.post(`/api/v1/group-sops/${across.id}/toggle`, { enabled: false })).status).toBe(404);
    expect((await manager.get(`/api/v1/group-sops/${across.id}/runs`)).status).toBe(404);
    expect((await manager.post(`/api/v1/group-sops/${inside.id}/toggle`, { enabled: false })).status).toBe(200);

    const outside = await manager.post(
      "/api/v1/group-sops",
      body({ targets: { kind: "groups", groupIds: [groups.zhao] } }),
    );
    expect(outside.status).toBe(400);
    expect(outside.body.error.details.fields).toEqual([
      { field: "targets.groupIds", reason: `outside your stores: ${groups.zhao}` },
    ]);
    const otherStore = await manager.post(
      "/api/v1/group-sops",
      body({ targets: { kind: "stores", storeIds: [ids.storeB] } }),
    );
    expect(otherStore.body.error.details.fields).toEqual([
      { field: "targets.storeIds", reason: `outside your stores: ${ids.storeB}` },
    ]);
    const own = await manager.post("/api/v1/group-sops", body({ targets: { kind: "owners", staffIds: [ids.li] } }));
    expect(own.status).toBe(201);

    const picker = (await manager.get("/api/v1/group-sops/groups")).body.items.map((x: { id: number }) => x.id);
    expect(picker.sort()).toEqual([groups.li1, groups.li2, groups.wang].sort());
    const all = (await admin.get("/api/v1/group-sops/groups")).body.items.map((x: { id: number }) => x.id);
    expect(all).toContain(groups.zhao);
    expect(all).not.toContain(groups.dismissed);
  });

  it("audits changes and deletes", async () => {
    const created = (await admin.post("/api/v1/group-sops", body())).body;
    await admin.request("PUT", `/api/v1/group-sops/${created.id}`, body({ name: "改名" }));
    await admin.post(`/api/v1/group-sops/${created.id}/toggle`, { enabled: false });
    expect((await admin.request("DELETE", `/api/v1/group-sops/${created.id}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/group-sops/${created.id}`)).status).toBe(404);
    const actions = (
      await s.ds.query("SELECT action FROM audit_log WHERE entity = 'group_sop' AND entity_id = ? ORDER BY id", [
        String(created.id),
      ])
    ).map((r: { action: string }) => r.action);
    expect(actions).toEqual(["group_sop.create", "group_sop.update", "group_sop.disable", "group_sop.delete"]);
    expect((await s.client().get("/api/v1/group-sops")).status).toBe(401);
  });
});
