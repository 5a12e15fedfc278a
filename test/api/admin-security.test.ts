import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { given } from "../support/given.ts";
import { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

const SECRET = "app-secret-0123456789-abcdefWXYZ";
const AES_KEY = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

describe(`admin center security (${testDialect()})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  /** a signed-in client; `password` is what it signed in with */
  async function signedIn(role: "hq_admin" | "hq_operator" | "store_manager", storeCodes: string[] = []) {
    const user = await given(server.ds).user({ role, storeCodes });
    const http = server.client();
    const res = await http.post("/api/v1/auth/login", { username: user.username, password: user.password });
    expect(res.status).toBe(200);
    return { http, user, csrfToken: res.body.csrfToken as string };
  }

  /** the same cookies, sent without (or with a given) X-CSRF-Token header */
  const rawCookies = (http: HttpClient) =>
    ["siyu_admin", "siyu_csrf"]
      .filter((n) => http.cookie(n))
      .map((n) => `${n}=${http.cookie(n)}`)
      .join("; ");

  describe("CSRF", () => {
    it("refuses a cookie-authenticated change without the token and accepts it with the token", async () => {
      const { http, csrfToken } = await signedIn("hq_admin");
      expect(csrfToken).toBe(http.cookie("siyu_csrf"));
      expect(http.cookie("siyu_csrf")).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const cookie = rawCookies(http);
      const without = await fetch(`${server.url}/api/v1/api-keys`, {
        method: "POST",
        headers: { cookie, "content-type": "application/json" },
        body: JSON.stringify({ name: "evil" }),
      });
      expect(without.status).toBe(403);
      expect((await without.json()).error).toMatchObject({
        code: "csrf_failed",
        message: expect.stringMatching(/X-CSRF-Token/),
      });
      const wrong = await http.post("/api/v1/api-keys", { name: "evil" }, { "x-csrf-token": "x".repeat(43) });
      expect(wrong.status).toBe(403);
      expect(await server.ds.query("SELECT id FROM api_keys WHERE name = 'evil'")).toEqual([]);

      const ok = await http.post("/api/v1/api-keys", { name: "POS" }, { "x-csrf-token": csrfToken });
      expect(ok.status).toBe(201);
      // reads need no token
      expect((await fetch(`${server.url}/api/v1/api-keys`, { headers: { cookie } })).status).toBe(200);
    });

    it("sets the token cookie readable by the page, the session cookie not", async () => {
      const user = await given(server.ds).user({ role: "hq_operator" });
      const res = await server
        .client()
        .post("/api/v1/auth/login", { username: user.username, password: user.password });
      const session = res.setCookies.find((c) => c.startsWith("siyu_admin="))!;
      const csrf = res.setCookies.find((c) => c.startsWith("siyu_csrf="))!;
      expect(session).toMatch(/httponly/i);
      expect(csrf).not.toMatch(/httponly/i);
      expect(csrf).toMatch(/samesite=lax/i);
    });

    it("hands the token out again on a read when its cookie is missing", async () => {
      const { http, csrfToken } = await signedIn("hq_operator");
      const res = await fetch(`${server.url}/api/v1/auth/me`, {
        headers: { cookie: `siyu_admin=${http.cookie("siyu_admin")}` },
      });
      expect(res.headers.getSetCookie().join()).toContain(`siyu_csrf=${csrfToken}`);
      expect((await res.json()).csrfToken).toBe(csrfToken);
    });

    it("guards the sidebar session the same way, with its own token", async () => {
      const staff = await given(server.ds).staff({ name: "李导购" });
      const http = server.client();
      expect((await http.post("/api/v1/sidebar/dev/login", { userid: staff.userid })).status).toBe(200);
      const token = http.cookie("siyu_sidebar_csrf")!;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const path = "/api/v1/sidebar/customers/wm-nobody/notes";
      const refused = await http.post(path, { body: "hi" }, { "x-csrf-token": "" });
      expect(refused.status).toBe(403);
      expect(refused.body.error.code).toBe("csrf_failed");
      // with the token the request reaches the route (an unknown customer is 404)
      expect((await http.post(path, { body: "hi" }, { "x-csrf-token": token })).status).toBe(404);
      // the admin token does not stand in for the sidebar's, whatever the path's case
      const upper = "/API/V1/SIDEBAR/customers/wm-nobody/notes";
      expect((await http.post(upper, { body: "hi" }, { "x-csrf-token": "" })).status).toBe(403);
      // a sidebar session in the same browser does not block the admin center's sign-in
      const admin = await given(server.ds).user({ role: "hq_admin" });
      const login = await http.post(
        "/api/v1/auth/login",
        { username: admin.username, password: admin.password },
        { "x-csrf-token": "" },
      );
      expect(login.status).toBe(200);
    });

    it("leaves API-key order intake and sign-in alone", async () => {
      const { http } = await signedIn("hq_admin");
      const { key } = (await http.post("/api/v1/api-keys", { name: "ERP" })).body;
      // an API-key client that happens to hold a stale admin cookie too
      const res = await fetch(`${server.url}/api/v1/orders`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", cookie: rawCookies(http) },
        body: JSON.stringify([]),
      });
      expect(res.status).not.toBe(403);
      const plain = await fetch(`${server.url}/api/v1/orders`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify([
          {
            order_no: "CSRF-1",
            customer_ref: "wm-none",
            paid_at: "2026-05-20T13:14:00+08:00",
            amount_cents: 100,
            status: "paid",
          },
        ]),
      });
      expect(plain.status).toBe(200);
      const user = await given(server.ds).user({ role: "hq_admin" });
      const login = await fetch(`${server.url}/api/v1/auth/login`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ username: user.username, password: user.password }),
      });
      expect(login.status).toBe(200);
    });
  });

  describe("password change", () => {
    it("needs the right current password and a long enough new one", async () => {
      const { http } = await signedIn("hq_operator");
      const wrong = await http.post("/api/v1/auth/password", {
        currentPassword: "not-it-at-all",
        newPassword: "another-pass-1",
      });
      expect(wrong.status).toBe(400);
      expect(wrong.body.error.details.fields).toEqual([{ field: "currentPassword", reason: "is wrong" }]);
      const short = await http.post("/api/v1/auth/password", { currentPassword: "x", newPassword: "short" });
      expect(short.status).toBe(400);
      expect(short.body.error.details.fields.map((f: { field: string }) => f.field)).toContain("newPassword");
      expect(
        (await server.client().post("/api/v1/auth/password", { currentPassword: "a", newPassword: "b".repeat(9) }))
          .status,
      ).toBe(401);
    });

    it("changes it, keeps this session, ends the others, and the new password signs in", async () => {
      const { http, user } = await signedIn("hq_admin");
      const other = server.client();
      await other.post("/api/v1/auth/login", { username: user.username, password: user.password });
      expect((await other.get("/api/v1/auth/me")).status).toBe(200);

      const res = await http.post("/api/v1/auth/password", {
        currentPassword: user.password,
        newPassword: "brand-new-pass-42",
      });
      expect(res.status).toBe(200);
      expect(res.body.csrfToken).toBe(http.cookie("siyu_csrf"));
      expect((await http.get("/api/v1/auth/me")).status).toBe(200);
      expect((await http.post("/api/v1/api-keys", { name: "after change" })).status).toBe(201);
      expect((await other.get("/api/v1/auth/me")).status).toBe(401);

      const again = server.client();
      expect(
        (await again.post("/api/v1/auth/login", { username: user.username, password: user.password })).status,
      ).toBe(401);
      expect(
        (await again.post("/api/v1/auth/login", { username: user.username, password: "brand-new-pass-42" })).status,
      ).toBe(200);
      const [row] = await server.ds.query(
        "SELECT actor_type, actor_id, entity_id FROM audit_log WHERE action = 'user.password_change' AND entity_id = ?",
        [String(user.id)],
      );
      expect(row).toEqual({ actor_type: "user", actor_id: String(user.id), entity_id: String(user.id) });
    });
  });

  describe("settings", () => {
    it("stores WeCom secrets encrypted and answers them masked only", async () => {
      const { http, user } = await signedIn("hq_admin");
      const put = await http.request("PUT", "/api/v1/settings/wecom", {
        corpId: "ww0123456789abcdef",
        agentId: 1000002,
        secret: SECRET,
        callbackToken: "Tok3n",
        callbackAesKey: AES_KEY,
      });
      expect(put.status).toBe(200);
      expect(put.body.wecom).toMatchObject({
        corpId: { value: "ww0123456789abcdef", source: "database" },
        agentId: { value: 1000002, source: "database" },
        secret: { masked: "****WXYZ", source: "database" },
        callbackToken: { masked: "****", source: "database" },
        callbackAesKey: { masked: "****DEFG", source: "database" },
        callbackUrl: expect.stringMatching(/\/wecom\/callback$/),
        updatedBy: user.username,
      });
      const get = await http.get("/api/v1/settings/wecom");
      for (const plain of [SECRET, AES_KEY, "Tok3n"]) {
        expect(put.text).not.toContain(plain);
        expect(get.text).not.toContain(plain);
      }
      const [row] = await server.ds.query("SELECT value FROM settings WHERE name = 'wecom.app'");
      const stored = typeof row.value === "string" ? row.value : JSON.stringify(row.value);
      expect(stored).not.toContain(SECRET);
      expect(stored).not.toContain(AES_KEY);
      expect(JSON.parse(stored).secret).toMatch(/^v1:/);
      const effective = await server.app.services.wecomSettings.effective();
      expect(effective).toMatchObject({ secret: SECRET, callbackAesKey: AES_KEY, callbackToken: "Tok3n" });

      const audit = await server.ds.query("SELECT details FROM audit_log WHERE action = 'settings.wecom.update'");
      expect(audit).toHaveLength(1);
      expect(JSON.stringify(audit[0].details)).not.toContain(SECRET);
      expect(JSON.stringify(audit[0].details)).toContain("****WXYZ");
    });

    it("names each bad field, and lets only hq_admin change settings", async () => {
      const { http } = await signedIn("hq_admin");
      const bad = await http.request("PUT", "/api/v1/settings/wecom", {
        callbackAesKey: "short",
        callbackToken: "with space",
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
        "callbackAesKey",
        "callbackToken",
      ]);
      const operator = await signedIn("hq_operator");
      expect((await operator.http.get("/api/v1/settings/wecom")).status).toBe(200);
      expect((await operator.http.request("PUT", "/api/v1/settings/wecom", { agentId: 5 })).status).toBe(403);
    });
  });

  describe("store managers", () => {
    it("are refused settings, audit and API keys, and see only their stores and staff", async () => {
      const mine = await given(server.ds).store({ name: "我的店" });
      const theirs = await given(server.ds).store({ name: "别人的店" });
      const a = await given(server.ds).staff({ name: "本店导购", storeIds: [mine.id] });
      const b = await given(server.ds).staff({ name: "他店导购", storeIds: [theirs.id] });
      const { http } = await signedIn("store_manager", [mine.code]);
      expect((await http.get("/api/v1/settings/wecom")).status).toBe(403);
      expect((await http.request("PUT", "/api/v1/settings/wecom", { agentId: 5 })).status).toBe(403);
      expect((await http.get("/api/v1/audit")).status).toBe(403);
      expect((await http.get("/api/v1/api-keys")).status).toBe(403);
      const stores = (await http.get("/api/v1/stores")).body.items;
      expect(stores).toEqual([{ id: mine.id, code: mine.code, name: "我的店", city: "上海", staffCount: 1 }]);
      const staff = (await http.get("/api/v1/staff")).body.items.map((s: { id: number }) => s.id);
      expect(staff).toContain(a.id);
      expect(staff).not.toContain(b.id);
    });
  });

  describe("audit log", () => {
    it("records admin changes and pages, filters them for hq_admin", async () => {
      const { http, user } = await signedIn("hq_admin");
      await http.post("/api/v1/api-keys", { name: "audited" });
      await http.request("PUT", "/api/v1/settings/wecom", { agentId: 1000009 });

      const mine = await http.get(`/api/v1/audit?actor=${user.username}`);
      expect(mine.status).toBe(200);
      expect(mine.body.items.map((e: { action: string }) => e.action)).toEqual([
        "settings.wecom.update",
        "api_key.create",
      ]);
      expect(mine.body.items[0]).toMatchObject({
        actorType: "user",
        actorName: user.username,
        entity: "settings",
        details: { changed: ["agentId"], agentId: 1000009 },
      });
      const created = await http.get("/api/v1/audit?action=user.create&pageSize=2");
      expect(created.body).toMatchObject({ page: 1, pageSize: 2 });
      expect(created.body.total).toBeGreaterThanOrEqual(2);
      expect(created.body.items.every((e: { action: string }) => e.action === "user.create")).toBe(true);
      const prefix = await http.get(`/api/v1/audit?action=api_key.&actor=${user.id}`);
      expect(prefix.body.items.map((e: { action: string }) => e.action)).toEqual(["api_key.create"]);
      const future = await http.get("/api/v1/audit?from=2999-01-01T00:00:00Z");
      expect(future.body).toMatchObject({ items: [], total: 0 });
      const bad = await http.get("/api/v1/audit?from=yesterday");
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.fields[0].field).toBe("from");
      expect((await http.get("/api/v1/audit/actions")).body.items).toEqual(
        expect.arrayContaining(["api_key.create", "settings.wecom.update", "user.create"]),
      );
      const operator = await signedIn("hq_operator");
      expect((await operator.http.get("/api/v1/audit")).status).toBe(403);
    });
  });
});

describe(`session cookies behind a TLS proxy (${testDialect()})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ env: { TRUST_PROXY: "true" } });
  });
  afterAll(() => server.stop());

  it("are Secure when the proxy says https, and not otherwise", async () => {
    const user = await given(server.ds).user({ role: "hq_admin" });
    const login = (headers: Record<string, string>) =>
      server.client().post("/api/v1/auth/login", { username: user.username, password: user.password }, headers);
    const https = await login({ "x-forwarded-proto": "https" });
    expect(https.status).toBe(200);
    for (const name of ["siyu_admin=", "siyu_csrf="])
      expect(https.setCookies.find((c) => c.startsWith(name))).toMatch(/;\s*secure/i);
    const plain = await login({});
    expect(plain.setCookies.find((c) => c.startsWith("siyu_admin="))).not.toMatch(/;\s*secure/i);
  });
});
