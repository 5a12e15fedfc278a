import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

/** A small corp built by hand: two stores, a guide in each, customers, orders and a group. */
async function smallCorp(server: TestServer) {
  const g = given(server.ds);
  const sh = await g.store({ code: "SH01", name: "上海店" });
  const hz = await g.store({ code: "HZ01", name: "杭州店" });
  const li = await g.staff({ userid: "li", name: "李导购", storeIds: [sh.id] });
  const wang = await g.staff({ userid: "wang", name: "王导购", storeIds: [hz.id] });
  const c1 = await g.customer({ name: "甲" });
  const c2 = await g.customer({ name: "乙" });
  const c3 = await g.customer({ name: "丙" });
  await g.follow(c1.id, li.id);
  await g.follow(c2.id, li.id);
  await g.follow(c2.id, wang.id); // followed by two guides
  await g.follow(c3.id, wang.id);
  await g.follow((await g.customer()).id, li.id, { status: "deleted_by_customer" });
  await g.order({ customerId: c1.id, amountCents: 12_850, storeId: sh.id, paidAt: new Date("2026-10-01T04:00:00Z") });
  await g.order({
    customerId: c2.id,
    amountCents: 5_000,
    refundCents: 1_000,
    storeId: hz.id,
    paidAt: new Date("2026-11-01T04:00:00Z"),
  });
  await g.order({ customerId: c3.id, amountCents: 9_999, status: "refunded", storeId: hz.id });
  await g.user({ role: "store_manager", username: "mgr.hz", storeCodes: ["HZ01"] });
  await g.user({ role: "hq_operator", username: "ops" });
  return { sh, hz, li, wang };
}

describe(`dashboard and sidebar over HTTP (${testDialect()})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
    await smallCorp(server);
  });
  afterAll(() => server.stop());

  const signIn = async (username: string) => {
    const http = server.client();
    const res = await http.post("/api/v1/auth/login", { username, password: "correct-horse-9" });
    expect(res.status).toBe(200);
    return http;
  };

  it("shows HQ the whole corp, counting only paid net revenue", async () => {
    const res = await (await signIn("ops")).get("/api/v1/dashboard/summary");
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      customers: 4,
      followRelations: 4,
      orders: 2,
      revenueCents: 12_850 + 4_000,
      staff: 2,
      stores: 2,
      groups: 0,
      segments: [],
    });
  });

  it("shows a store manager only their store", async () => {
    const res = await (await signIn("mgr.hz")).get("/api/v1/dashboard/summary");
    expect(res.body).toMatchObject({
      customers: 2,
      followRelations: 2,
      orders: 1,
      revenueCents: 4_000,
      staff: 1,
      stores: 1,
    });
  });

  it("needs a session", async () => {
    expect((await server.client().get("/api/v1/dashboard/summary")).status).toBe(401);
  });

  it("signs a guide in through the dev bridge and shows their own numbers", async () => {
    const http = server.client();
    // the corp and agent the WeCom client uses: the built-in simulator's here
    expect((await http.get("/api/v1/sidebar/bootstrap")).body).toEqual({
      mode: "simulator",
      corpId: "wwsiyudemo0000001",
      agentId: 1000002,
    });
    expect((await http.get("/api/v1/sidebar/me")).status).toBe(401);
    const staff = (await http.get("/api/v1/sidebar/dev/staff")).body.items;
    expect(staff.map((s: { userid: string }) => s.userid)).toEqual(["li", "wang"]);
    const login = await http.post("/api/v1/sidebar/dev/login", { userid: "li" });
    expect(login.status).toBe(200);
    expect(login.setCookies.join()).toMatch(/siyu_sidebar=.+httponly/i);
    const me = await http.get("/api/v1/sidebar/me");
    expect(me.body).toEqual({
      staff: { userid: "li", name: "李导购", avatar: null, stores: [{ id: expect.any(Number), name: "上海店" }] },
      customerCount: 2,
      groupCount: 0,
      openTaskCount: 0,
    });
    // the admin session and the sidebar session are separate
    expect((await http.get("/api/v1/auth/me")).status).toBe(401);
  });

  it("refuses an unknown staff member and a malformed dev login", async () => {
    const http = server.client();
    expect((await http.post("/api/v1/sidebar/dev/login", { userid: "ghost" })).status).toBe(404);
    const bad = await http.post("/api/v1/sidebar/dev/login", { user: "li" });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe("userid");
  });
});

describe(`live mode (${testDialect()})`, () => {
  it("has no dev bridge", async () => {
    const server = await startTestServer({
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
      const http = server.client();
      expect((await http.get("/api/v1/sidebar/bootstrap")).body).toEqual({
        mode: "live",
        corpId: "ww0000000000000001",
        agentId: 1000002,
      });
      expect((await http.get("/api/v1/sidebar/dev/staff")).status).toBe(404);
      expect((await http.post("/api/v1/sidebar/dev/login", { userid: "li" })).status).toBe(404);
    } finally {
      await server.stop();
    }
  });
});
