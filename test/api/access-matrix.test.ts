import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type Router from "@koa/router";
import { GroupAlert } from "../../server/src/modules/groups/group-health.entity.ts";
import { BotRoom } from "../../server/src/modules/bot/bot.entity.ts";
import { given } from "../support/given.ts";
import type { HttpClient, HttpResult } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

/**
 * Who may call a route:
 * - public: anyone (the answer is never 401/403/5xx)
 * - signedIn: any admin-center role (hq_admin, hq_operator, store_manager)
 * - hq: hq_admin and hq_operator
 * - hqAdmin: hq_admin only
 * - staff: a sidebar (guide) session; other guides' customers, groups, tasks and targets are 404
 * - apiKey: an API key (Authorization: Bearer), never a cookie session
 */
type Access = "public" | "signedIn" | "hq" | "hqAdmin" | "staff" | "apiKey";

interface Row {
  method: string;
  path: string;
  who: Access;
  /** a store manager of store A gets 404 for store B's resource (and the resource of A otherwise) */
  scoped?: boolean;
  /** a valid body (or one per side), so that the answer shows access rather than validation (default: `{}`) */
  body?: unknown;
  query?: string;
  /** public routes: the exact answer expected for a bare call */
  status?: number[];
}

const r = (method: string, path: string, who: Access, more: Partial<Row> = {}): Row => ({
  method,
  path,
  who,
  ...more,
});

/**
 * THE TABLE: every route of the HTTP API, who may call it. A route missing here fails the test,
 * so that each new route is classified on purpose.
 */
function table(f: Fixtures): Row[] {
  const campaignBody = {
    name: "矩阵活动",
    audience: { rule: { all: [] } },
    channel: "private_chat",
    materials: [{ variant: "A", materialId: f.material, share: 100 }],
    startAt: new Date(Date.now() - 60_000).toISOString(),
    deadlineAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
  };
  const sopBody = (side: "a" | "b") => ({
    name: `矩阵SOP ${side}`,
    materialId: f.material,
    targets: { kind: "groups", groupIds: [side === "a" ? f.groups.a : f.groups.b] },
    schedule: "0 10 * * *",
  });
  return [
    r("GET", "/healthz", "public", { status: [200] }),
    r("GET", "/readyz", "public", { status: [200] }),
    // signature-checked by WeCom's scheme, never by session (no AES key configured here: 503 / 400)
    r("GET", "/wecom/callback", "public", { status: [400, 401, 403, 503] }),
    r("POST", "/wecom/callback", "public", { status: [400, 401, 403, 503] }),
    r("POST", "/api/v1/materials/uploads", "hq"),
    r("GET", "/uploads/:name", "public", { status: [404] }),
    r("POST", "/api/v1/auth/login", "public", { status: [400] }),
    r("GET", "/api/v1/auth/me", "signedIn"),
    r("POST", "/api/v1/auth/password", "signedIn"),
    r("GET", "/api/v1/dashboard/summary", "signedIn"),
    r("GET", "/api/v1/dashboard/overview", "signedIn"),
    r("GET", "/api/v1/sidebar/bootstrap", "public", { status: [200] }),
    r("GET", "/api/v1/sidebar/me", "staff"),
    // the dev bridge (simulator mode only) stands in for WeCom OAuth
    r("GET", "/api/v1/sidebar/dev/staff", "public", { status: [200] }),
    r("POST", "/api/v1/sidebar/dev/login", "public", { status: [400] }),
    r("GET", "/api/v1/sidebar/dev/chats", "staff"),
    // group chats are refused by WeCom itself (here the simulator), as the WeCom client would
    r("POST", "/api/v1/sidebar/dev/send-chat-message", "staff", {
      body: (side: "a" | "b") => ({
        externalUserid: f.params["customers:externalUserid"]![side],
        message: { type: "text", content: "矩阵" },
      }),
    }),
    r("GET", "/api/v1/sidebar/dev/chat-messages", "staff"),
    r("GET", "/api/v1/customers/export.csv", "signedIn"),
    r("GET", "/api/v1/customers", "signedIn"),
    r("GET", "/api/v1/customers/:id", "signedIn", { scoped: true }),
    r("GET", "/api/v1/tag-groups", "signedIn"),
    r("POST", "/api/v1/tag-groups", "hq"),
    r("POST", "/api/v1/tags", "hq"),
    r("PATCH", "/api/v1/tags/:id", "hq", { body: { name: "矩阵标签改" } }),
    r("DELETE", "/api/v1/tags/:id", "hq"),
    r("POST", "/api/v1/customers/:id/tags", "signedIn", { scoped: true, body: { tagId: f.tags.a } }),
    r("DELETE", "/api/v1/customers/:id/tags/:tagId", "signedIn", { scoped: true }),
    r("GET", "/api/v1/tag-mirror/status", "signedIn"),
    r("GET", "/api/v1/stores", "signedIn"),
    r("GET", "/api/v1/staff", "signedIn"),
    r("POST", "/api/v1/segments/preview", "signedIn"),
    r("GET", "/api/v1/segments", "signedIn"),
    r("GET", "/api/v1/segments/:id", "signedIn"),
    r("POST", "/api/v1/segments", "hq"),
    r("PUT", "/api/v1/segments/:id", "hq"),
    r("DELETE", "/api/v1/segments/:id", "hq"),
    r("POST", "/api/v1/audience-lists", "hq"),
    r("GET", "/api/v1/audience-lists", "signedIn"),
    r("GET", "/api/v1/audience-lists/:id", "signedIn"),
    r("GET", "/api/v1/audience-lists/:id/preview", "signedIn"),
    r("DELETE", "/api/v1/audience-lists/:id", "hq"),
    r("GET", "/api/v1/materials/variables", "signedIn"),
    r("GET", "/api/v1/materials/folders", "signedIn"),
    r("POST", "/api/v1/materials/folders", "hq"),
    r("POST", "/api/v1/materials/preview", "signedIn"),
    r("GET", "/api/v1/materials", "signedIn"),
    r("GET", "/api/v1/materials/:id", "signedIn"),
    r("POST", "/api/v1/materials", "hq"),
    r("PUT", "/api/v1/materials/:id", "hq"),
    r("DELETE", "/api/v1/materials/:id", "hq"),
    r("POST", "/api/v1/imports/customers", "hq"),
    r("POST", "/api/v1/imports/orders", "hq"),
    r("GET", "/api/v1/imports", "hq"),
    r("GET", "/api/v1/imports/:id", "hq"),
    r("GET", "/api/v1/imports/:id/errors.csv", "hq"),
    r("GET", "/api/v1/api-keys", "hqAdmin"),
    r("POST", "/api/v1/api-keys", "hqAdmin"),
    r("DELETE", "/api/v1/api-keys/:id", "hqAdmin"),
    r("GET", "/api/v1/audit", "hqAdmin"),
    r("GET", "/api/v1/audit/actions", "hqAdmin"),
    r("POST", "/api/v1/orders", "apiKey", { body: [] }),
    r("GET", "/api/v1/wecom/sync", "hq"),
    r("POST", "/api/v1/wecom/sync", "hq"),
    // WeCom OAuth for the sidebar: public by nature (the code from WeCom is the credential)
    r("GET", "/api/v1/sidebar/oauth/start", "public", { status: [302, 400] }),
    r("GET", "/api/v1/sidebar/oauth/callback", "public", { status: [400] }),
    r("POST", "/api/v1/sidebar/jssdk/config-signature", "staff"),
    r("POST", "/api/v1/sidebar/jssdk/agent-signature", "staff"),
    r("GET", "/api/v1/settings/wecom", "hq"),
    r("PUT", "/api/v1/settings/wecom", "hqAdmin"),
    r("GET", "/api/v1/campaigns", "signedIn"),
    r("POST", "/api/v1/campaigns", "signedIn"),
    r("GET", "/api/v1/campaigns/:id", "signedIn", { scoped: true }),
    r("PUT", "/api/v1/campaigns/:id", "signedIn", { scoped: true, body: campaignBody }),
    r("GET", "/api/v1/campaigns/:id/measurement", "signedIn", { scoped: true }),
    r("GET", "/api/v1/campaigns/:id/tasks", "signedIn", { scoped: true }),
    r("GET", "/api/v1/campaigns/:id/targets", "signedIn", { scoped: true }),
    r("POST", "/api/v1/campaigns/:id/copy", "signedIn", { scoped: true }),
    r("POST", "/api/v1/campaigns/:id/mass-send-results", "signedIn", { scoped: true }),
    r("POST", "/api/v1/campaigns/:id/launch", "signedIn", { scoped: true }),
    r("POST", "/api/v1/campaigns/:id/remind", "signedIn", { scoped: true }),
    r("POST", "/api/v1/campaigns/:id/pause", "signedIn", { scoped: true }),
    r("POST", "/api/v1/campaigns/:id/resume", "signedIn", { scoped: true }),
    r("POST", "/api/v1/campaigns/:id/cancel", "signedIn", { scoped: true }),
    r("GET", "/api/v1/rfm/settings", "hq"),
    r("PUT", "/api/v1/rfm/settings", "hq"),
    r("POST", "/api/v1/rfm/settings/preview", "hq"),
    r("POST", "/api/v1/rfm/recompute", "hq"),
    r("GET", "/api/v1/rfm/computations", "signedIn"),
    r("GET", "/api/v1/rfm/computations/latest", "signedIn"),
    r("GET", "/api/v1/rfm/computations/:id", "signedIn"),
    r("GET", "/api/v1/rfm/transitions", "signedIn"),
    r("GET", "/api/v1/automations", "signedIn"),
    r("POST", "/api/v1/automations", "hq"),
    r("GET", "/api/v1/automations/:id", "signedIn"),
    r("PUT", "/api/v1/automations/:id", "hq"),
    r("POST", "/api/v1/automations/:id/enable", "hq"),
    r("POST", "/api/v1/automations/:id/disable", "hq"),
    r("GET", "/api/v1/automations/:id/runs", "signedIn"),
    r("GET", "/api/v1/sidebar/customers/:externalUserid", "staff"),
    r("POST", "/api/v1/sidebar/customers/:externalUserid/notes", "staff", { body: { body: "矩阵备注" } }),
    r("POST", "/api/v1/sidebar/customers/:externalUserid/tags", "staff", { body: { tagId: f.tags.a } }),
    r("DELETE", "/api/v1/sidebar/customers/:externalUserid/tags/:tagId", "staff"),
    r("GET", "/api/v1/sidebar/tags", "staff"),
    r("GET", "/api/v1/sidebar/tasks", "staff"),
    r("GET", "/api/v1/sidebar/tasks/:id/targets", "staff"),
    r("POST", "/api/v1/sidebar/targets/:id/sent", "staff", { body: { materialIds: [f.material] } }),
    r("POST", "/api/v1/sidebar/targets/:id/skip", "staff", { body: { reason: "矩阵" } }),
    r("GET", "/api/v1/sidebar/materials", "staff"),
    r("GET", "/api/v1/sidebar/materials/folders", "staff"),
    r("GET", "/api/v1/sidebar/materials/:id/render", "staff", { query: "externalUserid=:externalUserid" }),
    r("GET", "/api/v1/sidebar/groups/:chatId", "staff"),
    r("GET", "/api/v1/groups", "signedIn"),
    r("GET", "/api/v1/groups/alerts", "signedIn"),
    r("POST", "/api/v1/groups/alerts/:id/resolve", "signedIn", { scoped: true }),
    r("GET", "/api/v1/groups/wecom-stats", "signedIn"),
    r("POST", "/api/v1/groups/wecom-stats/pull", "hq"),
    r("POST", "/api/v1/groups/health/recompute", "hq"),
    r("GET", "/api/v1/groups/:id", "signedIn", { scoped: true }),
    r("GET", "/api/v1/group-sops", "signedIn"),
    r("GET", "/api/v1/group-sops/groups", "signedIn"),
    r("POST", "/api/v1/group-sops", "signedIn"),
    r("GET", "/api/v1/group-sops/:id", "signedIn", { scoped: true }),
    r("PUT", "/api/v1/group-sops/:id", "signedIn", { scoped: true, body: sopBody }),
    r("POST", "/api/v1/group-sops/:id/toggle", "signedIn", { scoped: true, body: { enabled: false } }),
    r("GET", "/api/v1/group-sops/:id/runs", "signedIn", { scoped: true }),
    r("DELETE", "/api/v1/group-sops/:id", "signedIn", { scoped: true }),
    r("GET", "/api/v1/bot/status", "signedIn"),
    r("GET", "/api/v1/bot/rooms", "signedIn"),
    r("PUT", "/api/v1/bot/rooms/:id/mapping", "hq", { body: { groupId: null } }),
    // last: it ends the callers' sessions
    r("POST", "/api/v1/auth/logout", "public", { status: [200, 204] }),
  ];
}

/** Ids of store A's and store B's resources (the same id twice for resources no store owns). */
interface Fixtures {
  material: number;
  stores: { a: number; b: number };
  groups: { a: number; b: number };
  tags: { a: number; b: number };
  /** `segment:param` -> value on each side */
  params: Record<string, { a: string | number; b: string | number }>;
}

/** Every route the running app answers, from the real routers' stacks. */
function appRoutes(server: TestServer): string[] {
  const out = new Set<string>();
  for (const mw of server.app.koa.middleware as Array<{ router?: Router }>) {
    if (!mw.router) continue;
    for (const layer of mw.router.stack)
      for (const method of layer.methods) if (method !== "HEAD") out.add(`${method} ${layer.path}`);
  }
  return [...out];
}

/** past the access check: done, refused for the input (400, 409), or a body of the wrong type (415) */
const OK = new Set([200, 201, 202, 204, 400, 409, 415]);

describe(`access matrix: every route as every caller (${testDialect()})`, () => {
  let s: TestServer;
  let f: Fixtures;
  const callers: Record<"anon" | "staff" | "manager" | "operator" | "admin", HttpClient> = {} as never;
  let apiKey = "";

  beforeAll(async () => {
    s = await startTestServer({ startJobs: false });
    const g = given(s.ds);
    const now = new Date();
    const storeA = await g.store({ code: "MA01", name: "矩阵A店 Aside" });
    const storeB = await g.store({ code: "MB01", name: "矩阵B店 Bside" });
    const li = await g.staff({ userid: "matrix.li", name: "李导购 Aside", storeIds: [storeA.id] });
    const wang = await g.staff({ userid: "matrix.wang", name: "王导购 Bside", storeIds: [storeB.id] });
    const cA = await g.customer({ name: "甲客户 Aside" });
    const cB = await g.customer({ name: "乙客户 Bside" });
    await g.follow(cA.id, li.id);
    await g.follow(cB.id, wang.id);
    await g.order({ customerId: cA.id, storeId: storeA.id });
    await g.order({ customerId: cB.id, storeId: storeB.id });
    const users = {
      admin: await g.user({ role: "hq_admin" }),
      operator: await g.user({ role: "hq_operator" }),
      manager: await g.user({ role: "store_manager", storeCodes: ["MA01"] }),
    };
    for (const [name, user] of Object.entries(users)) {
      const http = s.client();
      const res = await http.post("/api/v1/auth/login", { username: user.username, password: user.password });
      expect(res.status, name).toBe(200);
      callers[name as "admin"] = http;
    }
    callers.anon = s.client();
    callers.staff = s.client();
    expect((await callers.staff.post("/api/v1/sidebar/dev/login", { userid: wang.userid })).status).toBe(200);
    const admin = callers.admin;
    const created = async (res: Promise<HttpResult>) => {
      const done = await res;
      expect([200, 201, 202], done.text).toContain(done.status);
      return done.body;
    };

    const tagGroup = await created(admin.post("/api/v1/tag-groups", { name: "矩阵" }));
    const tagA = await created(admin.post("/api/v1/tags", { groupId: tagGroup.id, name: "矩阵甲" }));
    const tagB = await created(admin.post("/api/v1/tags", { groupId: tagGroup.id, name: "矩阵乙" }));
    const material = await created(
      admin.post("/api/v1/materials", { title: "矩阵素材", content: { type: "text", text: "你好 {{customer.name}}" } }),
    );
    const segment = await created(admin.post("/api/v1/segments", { name: "矩阵分群", rule: { all: [] } }));
    const list = await created(
      admin.request("POST", "/api/v1/audience-lists?name=矩阵名单", "mobile\r\n13900000000\r\n", {
        "content-type": "text/csv",
      }),
    );
    const imported = await created(
      admin.request(
        "POST",
        "/api/v1/imports/orders?filename=o.csv",
        "order_no,customer_ref,paid_at,amount,refund_amount,status,store_code\r\nM-1,x,2026-05-20T13:14:00+08:00,1,,paid,\r\n",
        { "content-type": "text/csv" },
      ),
    );
    const key = await created(admin.post("/api/v1/api-keys", { name: "矩阵POS" }));
    apiKey = key.key;
    const campaign = (storeId: number, name: string) =>
      created(
        admin.post("/api/v1/campaigns", {
          name,
          audience: { rule: { all: [] } },
          channel: "private_chat",
          materials: [{ variant: "A", materialId: material.id, share: 100 }],
          scope: { storeIds: [storeId] },
          startAt: new Date(Date.now() - 60_000).toISOString(),
          deadlineAt: new Date(Date.now() + 3 * 86_400_000).toISOString(),
        }),
      );
    const draftA = await campaign(storeA.id, "矩阵A Aside");
    const draftB = await campaign(storeB.id, "矩阵B Bside");
    // launched campaigns give each guide a task with one target
    const launchedA = await campaign(storeA.id, "矩阵A已发 Aside");
    const launchedB = await campaign(storeB.id, "矩阵B已发 Bside");
    await created(admin.post(`/api/v1/campaigns/${launchedA.id}/launch`));
    await created(admin.post(`/api/v1/campaigns/${launchedB.id}/launch`));
    const taskOf = async (campaignId: number) => {
      const [row] = await s.ds.query("SELECT id FROM tasks WHERE campaign_id = ?", [campaignId]);
      const [target] = await s.ds.query("SELECT id FROM targets WHERE campaign_id = ? AND task_id = ?", [
        campaignId,
        row.id,
      ]);
      return { task: Number(row.id), target: Number(target.id) };
    };
    const workA = await taskOf(launchedA.id);
    const workB = await taskOf(launchedB.id);
    const automation = await created(
      admin.post("/api/v1/automations", {
        name: "矩阵自动化",
        kind: "rfm_downgrade",
        config: { pairs: [{ from: "important_value", to: "important_retain" }] },
        template: {
          channel: "private_chat",
          materials: [{ variant: "A", materialId: material.id, share: 100 }],
          deadlineHours: 48,
        },
      }),
    );
    await s.app.services.rfm.recompute({ asOf: now, triggeredBy: "matrix" });
    const computation = (await admin.get("/api/v1/rfm/computations/latest")).body.computation;
    const group = (owner: { id: number; userid: string }, name: string) =>
      g.group(owner, { chatId: `wrmatrix${owner.id}`, name, memberCount: 2, createdAt: now, updatedAt: now });
    const gA = await group(li, "矩阵A群 Aside");
    const gB = await group(wang, "矩阵B群 Bside");
    const alert = (groupId: number) =>
      s.ds.getRepository(GroupAlert).save({
        groupId,
        kind: "no_messages_7d" as const,
        period: "2026-11-20",
        status: "open" as const,
        details: null,
        notifiedAt: null,
        resolvedAt: null,
        resolvedBy: null,
        createdAt: now,
        updatedAt: now,
      });
    const alertA = await alert(gA.id);
    const alertB = await alert(gB.id);
    const sop = (groupId: number, name: string) =>
      created(
        admin.post("/api/v1/group-sops", {
          name,
          materialId: material.id,
          targets: { kind: "groups", groupIds: [groupId] },
          schedule: "0 10 * * *",
        }),
      );
    const sopA = await sop(gA.id, "矩阵SOP A Aside");
    const sopB = await sop(gB.id, "矩阵SOP B Bside");
    const room = await s.ds.getRepository(BotRoom).save({
      roomId: "matrix-room",
      topic: "矩阵房间",
      ownerId: null,
      groupId: null,
      mappedBy: null,
      mappingVersion: 0,
      firstSeenAt: now,
      lastEventAt: null,
      createdAt: now,
      updatedAt: now,
    });
    const same = (v: string | number) => ({ a: v, b: v });
    f = {
      material: material.id,
      stores: { a: storeA.id, b: storeB.id },
      groups: { a: gA.id, b: gB.id },
      tags: { a: tagA.id, b: tagB.id },
      params: {
        "uploads:name": same("missing.png"),
        "customers:id": { a: cA.id, b: cB.id },
        "tags:id": same(tagB.id),
        "tags:tagId": same(tagA.id),
        "segments:id": same(segment.id),
        "audience-lists:id": same(list.id),
        "materials:id": same(material.id),
        "imports:id": same(imported.job.id),
        "api-keys:id": same(key.id),
        "campaigns:id": { a: draftA.id, b: draftB.id },
        "computations:id": same(computation.id),
        "automations:id": same(automation.id),
        // the sidebar caller is store B's guide: side b is their own, side a another guide's
        "customers:externalUserid": { a: cA.externalUserid!, b: cB.externalUserid! },
        "tasks:id": { a: workA.task, b: workB.task },
        "targets:id": { a: workA.target, b: workB.target },
        "groups:chatId": { a: gA.chatId, b: gB.chatId },
        "alerts:id": { a: alertA.id, b: alertB.id },
        "groups:id": { a: gA.id, b: gB.id },
        "group-sops:id": { a: sopA.id, b: sopB.id },
        "rooms:id": same(room.id),
      },
    };
  });
  afterAll(() => s?.stop());

  /** The concrete URL of a route for one side's resources. */
  const url = (row: Row, side: "a" | "b") => {
    const fill = (path: string) =>
      path.replace(/(?<=\/([^/]+)\/|[?&][^=]+=):(\w+)/g, (_m, segment: string | undefined, param: string) => {
        const key = segment ? `${segment}:${param}` : `customers:${param}`;
        const value = f.params[key];
        if (!value) throw new Error(`no fixture for ${key} in ${row.method} ${row.path}`);
        return encodeURIComponent(String(value[side]));
      });
    return fill(row.path) + (row.query ? `?${fill(`?${row.query}`).slice(1)}` : "");
  };

  it("lists every route of the app in the table, and nothing else", () => {
    const listed = table({
      material: 0,
      stores: { a: 0, b: 0 },
      groups: { a: 0, b: 0 },
      tags: { a: 0, b: 0 },
      params: {},
    }).map((row) => `${row.method} ${row.path}`);
    expect(new Set(listed).size, "a route is listed twice").toBe(listed.length);
    const actual = appRoutes(s);
    expect(
      actual.filter((route) => !listed.includes(route)),
      "routes missing from the access table: classify them",
    ).toEqual([]);
    expect(
      listed.filter((route) => !actual.includes(route)),
      "table rows for routes that no longer exist",
    ).toEqual([]);
  });

  it("keeps store B out of store A's manager's lists, and guide A's work out of guide B's sidebar", async () => {
    const leaks: string[] = [];
    const seen = { admin: "", guide: "" };
    for (const row of table(f)) {
      if (row.method !== "GET" || row.path.includes(":")) continue;
      if (row.who === "staff") {
        const res = await callers.staff.get(row.path);
        seen.guide += res.text;
        if (res.text.includes("Aside")) leaks.push(`${row.path} shows guide B store A's: ${res.text.slice(0, 200)}`);
      } else if (row.who === "signedIn") {
        const res = await callers.manager.get(row.path);
        seen.admin += (await callers.admin.get(row.path)).text;
        if (res.text.includes("Bside")) leaks.push(`${row.path} shows manager A store B's: ${res.text.slice(0, 200)}`);
      }
    }
    expect(leaks).toEqual([]);
    // the markers are there to be found: HQ sees store B, guide B sees their own
    for (const marker of ["乙客户 Bside", "矩阵B群 Bside", "矩阵B Bside", "矩阵SOP B Bside", "矩阵B店 Bside"])
      expect(seen.admin).toContain(marker);
    expect(seen.guide).toContain("矩阵B已发 Bside");
  });

  it("closes a customer's sidebar page once the guide's follow relation has ended", async () => {
    const g = given(s.ds);
    const wang = (await s.ds.query("SELECT id FROM staff WHERE userid = 'matrix.wang'"))[0];
    const gone = await g.customer({ name: "已删除客户" });
    await g.follow(gone.id, Number(wang.id), { status: "deleted_by_customer", endedAt: new Date() });
    const page = `/api/v1/sidebar/customers/${gone.externalUserid}`;
    expect((await callers.staff.get(page)).status).toBe(404);
    expect((await callers.staff.post(`${page}/notes`, { body: "x" })).status).toBe(404);
    await s.ds.query("UPDATE follow_relations SET status = 'active', ended_at = NULL WHERE customer_id = ?", [gone.id]);
    expect((await callers.staff.get(page)).status).toBe(200);
  });

  it("does not let store A's manager create work in store B", async () => {
    const campaigns = await s.ds.query("SELECT COUNT(*) AS n FROM campaigns");
    const sops = await s.ds.query("SELECT COUNT(*) AS n FROM group_sops");
    const campaign = await callers.manager.post("/api/v1/campaigns", {
      name: "越界活动",
      audience: { rule: { all: [] } },
      channel: "private_chat",
      materials: [{ variant: "A", materialId: f.material, share: 100 }],
      scope: { storeIds: [f.stores.b] },
      startAt: new Date(Date.now() - 60_000).toISOString(),
      deadlineAt: new Date(Date.now() + 86_400_000).toISOString(),
    });
    expect(campaign.status, campaign.text).toBe(400);
    expect(campaign.body.error.details.fields[0].field).toBe("scope.storeIds");
    const sop = await callers.manager.post("/api/v1/group-sops", {
      name: "越界SOP",
      materialId: f.material,
      targets: { kind: "groups", groupIds: [f.groups.b] },
      schedule: "0 10 * * *",
    });
    expect([400, 404], sop.text).toContain(sop.status);
    expect(await s.ds.query("SELECT COUNT(*) AS n FROM campaigns")).toEqual(campaigns);
    expect(await s.ds.query("SELECT COUNT(*) AS n FROM group_sops")).toEqual(sops);
  });

  it("answers each caller as the table says", async () => {
    const rows = table(f);
    // deletions after everything else, so that later rows still find their resources; then the WeCom
    // sync (it ends follow relations the simulator does not know); log-out last of all
    const late = ["DELETE", "POST /api/v1/wecom/sync", "POST /api/v1/auth/logout"];
    const order = (row: Row) => Math.max(late.indexOf(row.method), late.indexOf(`${row.method} ${row.path}`)) + 1;
    rows.sort((x, y) => order(x) - order(y));
    const problems: string[] = [];
    for (const row of rows) {
      const bodyFor = (side: "a" | "b") =>
        typeof row.body === "function"
          ? (row.body as (s: "a" | "b") => unknown)(side)
          : (row.body ?? (["GET", "DELETE"].includes(row.method) ? undefined : {}));
      let succeeded = false;
      const call = async (
        who: string,
        http: HttpClient | null,
        side: "a" | "b",
        expected: (status: number) => boolean,
        want: string,
      ) => {
        const headers: Record<string, string> = http ? {} : { authorization: `Bearer ${apiKey}` };
        const res = await (http ?? callers.anon).request(row.method, url(row, side), bodyFor(side), headers);
        const gone = res.status === 404 && succeeded && row.method === "DELETE";
        if (!expected(res.status) && !gone)
          problems.push(
            `${row.method} ${row.path} as ${who} (${side}): ${res.status}, want ${want} ${res.text.slice(0, 120)}`,
          );
        if (res.status >= 200 && res.status < 300) succeeded = true;
      };
      const ok = (status: number) => OK.has(status);
      const is = (n: number) => (status: number) => status === n;
      if (row.who === "public") {
        const want = (status: number) => (row.status ?? []).includes(status);
        // public sign-in routes may replace a caller's session: only log-out runs as everyone (it is last)
        const who =
          row.path === "/api/v1/auth/logout" ? Object.entries(callers) : [["anonymous", callers.anon] as const];
        for (const [name, http] of who) await call(name, http, "a", want, String(row.status));
        await call("api key", null, "a", want, String(row.status));
        continue;
      }
      await call("anonymous", callers.anon, "a", is(401), "401");
      if (row.who !== "apiKey") await call("api key", null, "a", is(401), "401");
      if (row.who === "staff") {
        if (url(row, "a") !== url(row, "b") || typeof row.body === "function")
          await call("another store's guide", callers.staff, "a", is(404), "404");
        await call("guide", callers.staff, "b", ok, "2xx/400/409");
        for (const who of ["manager", "operator", "admin"] as const) await call(who, callers[who], "a", is(401), "401");
        continue;
      }
      await call("guide", callers.staff, "a", is(401), "401");
      if (row.who === "apiKey") {
        for (const who of ["manager", "operator", "admin"] as const) await call(who, callers[who], "a", is(401), "401");
        await call("api key", null, "a", ok, "2xx/400");
        continue;
      }
      const managerMay = row.who === "signedIn";
      if (managerMay && row.scoped) await call("manager of A", callers.manager, "b", is(404), "404");
      await call("manager of A", callers.manager, "a", managerMay ? ok : is(403), managerMay ? "2xx/400/409" : "403");
      const operatorMay = row.who !== "hqAdmin";
      await call("operator", callers.operator, "b", operatorMay ? ok : is(403), operatorMay ? "2xx/400/409" : "403");
      await call("admin", callers.admin, "b", ok, "2xx/400/409");
    }
    expect(problems).toEqual([]);
  });
});
