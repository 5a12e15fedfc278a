import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import { automationApi, automationKit, registerAutomationSchema, type AutomationKit } from "./automations-kit.ts";

const uniq = () => Math.random().toString(36).slice(2, 8);

describe(`automations over HTTP (${testDialect()})`, () => {
  let s: TestServer;
  let k: AutomationKit;
  let http: Server;
  let base: string;
  let hq: HttpClient;
  let materialId: number;
  let segmentId: number;

  const signIn = async (role: "hq_operator" | "store_manager" | "staff", storeCodes: string[] = []) => {
    // guides cannot sign in to the admin at all; a "staff" session here is an HQ user demoted after signing in
    const user = await k.g.user({ role: role === "staff" ? "hq_operator" : role, storeCodes });
    const client = new HttpClient(base);
    expect((await client.post("/api/v1/auth/login", { username: user.username, password: user.password })).status).toBe(
      200,
    );
    if (role === "staff") await s.ds.query("UPDATE users SET role = 'staff' WHERE username = ?", [user.username]);
    return client;
  };
  const body = (over: Record<string, unknown> = {}) => ({
    name: `流失挽回 ${uniq()}`,
    kind: "rfm_downgrade",
    config: { pairs: [{ from: "important_value", to: "important_retain" }] },
    template: { channel: "private_chat", materials: [{ variant: "A", materialId, share: 100 }], deadlineHours: 48 },
    ...over,
  });

  beforeAll(async () => {
    registerAutomationSchema();
    s = await startTestServer();
    k = await automationKit(s.ds, { now: new Date("2026-06-01T00:30:00.000Z") });
    http = createServer(automationApi(s.ds, k.automations, k.clock).callback());
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    materialId = await k.material();
    segmentId = (await k.segments.save({ name: `全部 ${uniq()}`, rule: { all: [] } }, k.hq.id)).id;
    hq = await signIn("hq_operator");
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    await s.stop();
  });

  it("asks for a session; store managers read, only HQ writes", async () => {
    expect((await new HttpClient(base).get("/api/v1/automations")).status).toBe(401);
    expect((await (await signIn("staff")).get("/api/v1/automations")).status).toBe(403);
    const store = await k.g.store();
    const manager = await signIn("store_manager", [store.code]);
    expect((await manager.get("/api/v1/automations")).status).toBe(200);
    expect((await manager.post("/api/v1/automations", body())).status).toBe(403);
    const created = await hq.post("/api/v1/automations", body());
    expect(created.status).toBe(201);
    expect((await manager.post(`/api/v1/automations/${created.body.id}/disable`)).status).toBe(403);
    expect((await manager.get(`/api/v1/automations/${created.body.id}/runs`)).status).toBe(200);
  });

  it("names every invalid field", async () => {
    const r = await hq.post(
      "/api/v1/automations",
      body({
        name: "",
        kind: "segment_schedule",
        config: { segmentId, schedule: "*/5 * * *" },
        template: {
          channel: "group_post",
          materials: [{ variant: "A", materialId, share: 60 }],
          deadlineHours: 4,
          reminders: [6],
        },
      }),
    );
    expect(r.status).toBe(400);
    const fields = r.body.error.details.fields.map((f: { field: string }) => f.field).sort();
    expect(fields).toEqual([
      "config.schedule",
      "name",
      "template.channel",
      "template.materials",
      "template.reminders.0",
    ]);

    const pairs = await hq.post(
      "/api/v1/automations",
      body({ config: { pairs: [{ from: "general_retain", to: "important_value" }] } }),
    );
    expect(pairs.status).toBe(400);
    expect(pairs.body.error.details.fields).toEqual([
      expect.objectContaining({ field: "config.pairs.0.to", reason: "is not a downgrade" }),
    ]);
    const kind = await hq.post("/api/v1/automations", body({ kind: "every_day" }));
    expect(kind.status).toBe(400);
    expect(kind.body.error.details.fields[0].field).toBe("kind");

    // what only the database knows
    const unknown = await hq.post(
      "/api/v1/automations",
      body({
        kind: "segment_schedule",
        config: { segmentId: 999_999, schedule: "0 9 * * 1" },
        template: {
          channel: "private_chat",
          materials: [{ variant: "A", materialId: 999_999, share: 100 }],
          scope: { storeIds: [999_999] },
        },
      }),
    );
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      "config.segmentId",
      "template.materials.0.materialId",
      "template.scope.storeIds",
    ]);
  });

  it("creates, lists with the latest runs, edits, switches off and on, and shows the run log", async () => {
    const name = `每周会员 ${uniq()}`;
    const created = await hq.post(
      "/api/v1/automations",
      body({ name, kind: "segment_schedule", config: { segmentId, schedule: "0 9 * * 1" } }),
    );
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect(created.body).toMatchObject({
      name,
      kind: "segment_schedule",
      enabled: true,
      // the template as stored: the campaign defaults filled in
      template: {
        channel: "private_chat",
        deadlineHours: 48,
        reminders: [24, 2],
        conversionWindowDays: 7,
        holdoutPercent: 0,
        assignmentRule: "first_added",
        scope: {},
      },
      nextRunAt: "2026-06-01T01:00:00.000Z", // Monday 09:00 in Shanghai
      customers: 0,
      lastRuns: [],
    });
    expect((await hq.post("/api/v1/automations", body({ name }))).status).toBe(409);

    // a run, then the list shows it
    k.clock.set(new Date("2026-06-01T01:05:00.000Z"));
    const guide = await k.g.staff();
    await k.customers(2, guide.id);
    await k.runner.evaluateOne(id);
    const list = await hq.get("/api/v1/automations?kind=segment_schedule&pageSize=5");
    expect(list.status).toBe(200);
    const item = list.body.items.find((a: { id: number }) => a.id === id);
    expect(item.lastRuns).toEqual([
      expect.objectContaining({ status: "done", customers: expect.any(Number), campaignId: expect.any(Number) }),
    ]);
    expect(list.body).toMatchObject({ page: 1, pageSize: 5, total: expect.any(Number) });

    const edited = await hq.request(
      "PUT",
      `/api/v1/automations/${id}`,
      body({ name: `${name}（改）`, kind: "segment_schedule", config: { segmentId, schedule: "30 20 * * *" } }),
    );
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: `${name}（改）`, nextRunAt: "2026-06-01T12:30:00.000Z" });
    const otherKind = await hq.request("PUT", `/api/v1/automations/${id}`, body({ name: `${name}（改）` }));
    expect(otherKind.status).toBe(400);
    expect(otherKind.body.error.details.fields[0].field).toBe("kind");

    const off = await hq.post(`/api/v1/automations/${id}/disable`);
    expect(off.body).toMatchObject({ enabled: false, nextRunAt: null });
    expect(await k.runner.evaluateOne(id)).toMatchObject({ outcome: "disabled" });
    const on = await hq.post(`/api/v1/automations/${id}/enable`);
    expect(on.body).toMatchObject({ enabled: true, nextRunAt: "2026-06-01T12:30:00.000Z" });

    const runs = await hq.get(`/api/v1/automations/${id}/runs?pageSize=10`);
    expect(runs.status).toBe(200);
    expect(runs.body).toMatchObject({ page: 1, pageSize: 10, total: 1 });
    expect(runs.body.items[0]).toMatchObject({ status: "done", error: null, repeats: 0 });
    expect(runs.body.items[0].summary).toMatchObject({ targets: runs.body.items[0].customers });

    expect((await hq.get("/api/v1/automations/999999")).status).toBe(404);
    expect((await hq.get("/api/v1/automations/abc/runs")).status).toBe(404);
    expect((await hq.post("/api/v1/automations/999999/enable")).status).toBe(404);
  });
});
