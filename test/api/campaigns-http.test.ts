import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FREQUENCY_CAP_SETTING } from "../../server/src/modules/campaigns/campaign-launch.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import { campaignApi, campaignKit, type CampaignKit } from "./campaigns-kit.ts";

describe(`campaigns over HTTP (${testDialect()})`, () => {
  let s: TestServer;
  let k: CampaignKit;
  let http: Server;
  let base: string;
  let hq: HttpClient;
  let storeId: number;
  let guideId: number;
  let rule: object;
  let materialId: number;

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
    name: "会员日回访",
    goal: "复购",
    audience: { rule },
    channel: "private_chat",
    materials: [{ variant: "A", materialId, share: 100 }],
    scope: { storeIds: [storeId] },
    startAt: k.clock.now().toISOString(),
    deadlineAt: k.hours(48).toISOString(),
    ...over,
  });

  beforeAll(async () => {
    s = await startTestServer();
    k = await campaignKit(s.ds);
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 1 });
    http = createServer(campaignApi(s.ds, k, k.clock).callback());
    await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    const store = await k.g.store({ code: `SH${Date.now() % 100000}` });
    storeId = store.id;
    guideId = (await k.g.staff({ storeIds: [store.id] })).id;
    rule = await k.audience(await k.customers(5, guideId));
    materialId = await k.material();
    hq = await signIn("hq_operator");
  });
  afterAll(async () => {
    await new Promise((resolve) => http.close(resolve));
    await s.stop();
  });

  it("asks for a session and an admin role", async () => {
    expect((await new HttpClient(base).get("/api/v1/campaigns")).status).toBe(401);
    expect((await (await signIn("staff")).get("/api/v1/campaigns")).status).toBe(403);
  });

  it("names every invalid field", async () => {
    const r = await hq.post(
      "/api/v1/campaigns",
      body({
        name: "",
        deadlineAt: k.hours(-1).toISOString(),
        materials: [
          { variant: "A", materialId, share: 60 },
          { variant: "A", materialId, share: 30 },
        ],
        holdoutPercent: 80,
      }),
    );
    expect(r.status).toBe(400);
    const fields = r.body.error.details.fields.map((f: { field: string }) => f.field);
    expect(fields).toEqual(
      expect.arrayContaining(["name", "deadlineAt", "materials", "materials.1.variant", "holdoutPercent"]),
    );

    const personal = await k.material({ type: "text", text: "{{customer.name}} 您好" });
    const mass = await hq.post(
      "/api/v1/campaigns",
      body({ channel: "mass_send", materials: [{ variant: "A", materialId: personal, share: 100 }] }),
    );
    expect(mass.status).toBe(400);
    expect(mass.body.error.details.fields).toEqual([
      { field: "materials.0.materialId", reason: expect.stringContaining("customer variables") },
    ]);
    const unknown = await hq.post(
      "/api/v1/campaigns",
      body({ audience: { segmentId: 999999 }, scope: { storeIds: [999999] } }),
    );
    expect(unknown.body.error.details.fields.map((f: { field: string }) => f.field)).toEqual([
      "audience.segmentId",
      "scope.storeIds",
    ]);
  });

  it("creates, edits while a draft, launches once, and lists tasks and targets", async () => {
    const created = await hq.post("/api/v1/campaigns", body({ holdoutPercent: 12.5 }));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      status: "draft",
      holdoutPercent: 12.5,
      reminders: [24, 2],
      conversionWindowDays: 7,
      assignmentRule: "first_added",
    });
    const id = created.body.id;
    const edited = await hq.request("PUT", `/api/v1/campaigns/${id}`, body({ name: "会员日回访（改）" }));
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: "会员日回访（改）", seed: created.body.seed, holdoutPercent: 0 });

    const launched = await hq.post(`/api/v1/campaigns/${id}/launch`);
    expect(launched.status).toBe(200);
    expect(launched.body).toMatchObject({ id, status: "running", report: { audience: 5, targets: 5, tasks: 1 } });
    expect((await hq.post(`/api/v1/campaigns/${id}/launch`)).status).toBe(409);
    expect((await hq.request("PUT", `/api/v1/campaigns/${id}`, body())).status).toBe(409);

    const got = await hq.get(`/api/v1/campaigns/${id}`);
    expect(got.body).toMatchObject({
      status: "running",
      tasks: { total: 1, open: 1 },
      targets: { total: 5, pending: 5 },
      launchReport: { targets: 5 },
    });
    const tasks = await hq.get(`/api/v1/campaigns/${id}/tasks`);
    expect(tasks.body).toMatchObject({
      total: 1,
      items: [{ staff: { id: guideId }, targets: 5, pending: 5, sendRate: 0 }],
    });
    const page = await hq.get(`/api/v1/campaigns/${id}/targets?status=pending&page=2&pageSize=2`);
    expect(page.body).toMatchObject({ total: 5, page: 2, pageSize: 2 });
    expect(page.body.items).toHaveLength(2);
    expect((await hq.get(`/api/v1/campaigns/${id}/targets?status=sent`)).body.total).toBe(0);
    expect((await hq.get(`/api/v1/campaigns/${id}/targets?status=bogus`)).status).toBe(400);

    const listed = await hq.get("/api/v1/campaigns?status=running");
    expect(listed.body.items.map((c: { id: number }) => c.id)).toContain(id);
    expect(listed.body.items.every((c: { status: string }) => c.status === "running")).toBe(true);
  });

  it("pauses, resumes, cancels and copies", async () => {
    const id = (await hq.post("/api/v1/campaigns", body())).body.id;
    expect((await hq.post(`/api/v1/campaigns/${id}/pause`)).status).toBe(409); // a draft is not running
    await hq.post(`/api/v1/campaigns/${id}/launch`);
    expect((await hq.post(`/api/v1/campaigns/${id}/pause`)).body.status).toBe("paused");
    expect((await hq.post(`/api/v1/campaigns/${id}/launch`)).status).toBe(409);
    expect((await hq.post(`/api/v1/campaigns/${id}/remind`)).status).toBe(409); // paused: nobody is nudged
    expect((await hq.post(`/api/v1/campaigns/${id}/resume`)).body.status).toBe("running");
    const remind = await hq.post(`/api/v1/campaigns/${id}/remind`);
    expect(remind.status).toBe(200);
    expect(remind.body.tasks).toBeGreaterThan(0);
    expect((await hq.post(`/api/v1/campaigns/${id}/cancel`)).body.status).toBe("cancelled");
    const copy = await hq.post(`/api/v1/campaigns/${id}/copy`);
    expect(copy.status).toBe(201);
    expect(copy.body).toMatchObject({ status: "draft", name: "会员日回访 (副本)", launchReport: null });
    expect(copy.body.id).not.toBe(id);
    expect(copy.body.seed).not.toBe((await hq.get(`/api/v1/campaigns/${id}`)).body.seed);
  });

  it("keeps store managers to campaigns of their stores", async () => {
    const store = await k.g.store({ code: `HZ${Date.now() % 100000}` });
    const manager = await signIn("store_manager", [store.code]);
    const corpWide = (await hq.post("/api/v1/campaigns", body({ scope: {} }))).body.id;
    expect((await manager.get(`/api/v1/campaigns/${corpWide}`)).status).toBe(404);
    expect((await manager.post(`/api/v1/campaigns/${corpWide}/launch`)).status).toBe(404);
    const own = await manager.post("/api/v1/campaigns", body({ scope: {} }));
    expect(own.status).toBe(201);
    expect(own.body.scope).toEqual({ storeIds: [store.id] });
    expect((await manager.post("/api/v1/campaigns", body({ scope: { storeIds: [storeId] } }))).status).toBe(400);
    const ids = (await manager.get("/api/v1/campaigns")).body.items.map((c: { id: number }) => c.id);
    expect(ids).toEqual([own.body.id]);
    expect((await manager.post(`/api/v1/campaigns/${own.body.id}/launch`)).status).toBe(200);
  });
});
