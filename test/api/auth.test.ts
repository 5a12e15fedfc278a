import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

describe(`admin sign-in over HTTP (${testDialect()})`, () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(() => server.stop());

  it("signs in, reports the user, signs out", async () => {
    const admin = await given(server.ds).user({ role: "hq_admin", username: "alice" });
    const http = server.client();
    expect((await http.get("/api/v1/auth/me")).status).toBe(401);

    const login = await http.post("/api/v1/auth/login", { username: "alice", password: admin.password });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ username: "alice", role: "hq_admin", displayName: "测试用户" });
    expect(login.setCookies.join()).toMatch(/siyu_admin=.+; .*httponly/i);
    expect(login.setCookies.join()).toMatch(/samesite=lax/i);

    expect((await http.get("/api/v1/auth/me")).body.user.username).toBe("alice");
    expect((await http.post("/api/v1/auth/logout")).status).toBe(204);
    expect((await http.get("/api/v1/auth/me")).status).toBe(401);
  });

  it("refuses a wrong password and an unknown user alike", async () => {
    await given(server.ds).user({ username: "bob" });
    const http = server.client();
    const wrong = await http.post("/api/v1/auth/login", { username: "bob", password: "nope-nope" });
    const unknown = await http.post("/api/v1/auth/login", { username: "nobody", password: "nope-nope" });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error).toMatchObject({ code: "unauthorized", message: "Wrong username or password" });
  });

  it("answers a malformed sign-in with 400 naming the field", async () => {
    const res = await server.client().post("/api/v1/auth/login", { username: "x" });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details.fields).toEqual([{ field: "password", reason: expect.any(String) }]);
    const broken = await server.client().post("/api/v1/auth/login", "{not json");
    expect(broken.status).toBe(400);
    expect(broken.body.error).toEqual({ code: "invalid_json", message: "Request body is not valid JSON", details: {} });
  });

  it("ignores a forged session cookie", async () => {
    const forged = Buffer.from(JSON.stringify({ sub: 1, exp: 9e12 })).toString("base64url") + ".AAAA";
    const res = await server.client().get("/api/v1/dashboard/summary", { cookie: `siyu_admin=${forged}` });
    expect(res.status).toBe(401);
  });

  it("keeps guides out of the admin center", async () => {
    const guide = await given(server.ds).user({ role: "staff", username: "guide1" });
    const http = server.client();
    const res = await http.post("/api/v1/auth/login", { username: "guide1", password: guide.password });
    expect(res.status).toBe(403);
    expect(res.body.error.message).toMatch(/chat sidebar/);
    expect(res.setCookies.some((c: string) => c.startsWith("siyu_admin="))).toBe(false);
    expect((await http.get("/api/v1/dashboard/summary")).status).toBe(401);
    // a wrong password still reads like any other failure: the role is not revealed
    expect((await http.post("/api/v1/auth/login", { username: "guide1", password: "nope-nope-9" })).status).toBe(401);
  });
});
