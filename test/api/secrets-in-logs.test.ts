import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startServer, type RunningServer } from "../../server/src/main/server.ts";
import { SYNC_JOB } from "../../server/src/modules/wecom-sync/wecom-sync.routes.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { CallbackCrypto } from "../../server/src/wecom/callback-crypto.ts";
import { WecomClient } from "../../server/src/wecom/wecom-client.ts";
import {
  createWecomSimulator,
  type SimListening,
  type WecomSimulator,
} from "../../server/src/wecom/simulator/index.ts";
import { given } from "../support/given.ts";
import { HttpClient } from "../support/http-client.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";
import { testConfig } from "../support/test-server.ts";
import { smallCorpSeed } from "../support/wecom-corp.ts";

const alnum = (n: number) =>
  Array.from(randomBytes(n), (b) => "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"[b % 62]).join("");

/**
 * A representative day of secrets — sign-in (a wrong password first), an API key made and used,
 * WeCom settings with a secret and an AES key, WeCom calls with the corp secret, signed callbacks,
 * a password change — with the logger at trace level into a captured stream: no secret value may
 * appear in any log line.
 */
describe(`no secret in the logs (${testDialect()})`, () => {
  const secrets = {
    password: `pw-${alnum(16)}`,
    wrongPassword: `wrong-${alnum(16)}`,
    newPassword: `new-${alnum(16)}`,
    sessionSecret: alnum(40),
    secretsKey: randomBytes(32).toString("hex"),
    corpSecret: `corp-${alnum(24)}`,
    callbackToken: alnum(20),
    callbackAesKey: alnum(43),
    settingsSecret: `page-${alnum(24)}`,
    settingsToken: alnum(18),
    settingsAesKey: alnum(43),
  };
  const found: Record<string, string> = {};
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  let db: TestDatabase;
  let server: RunningServer;
  let sim: SimListening;
  let simulator: WecomSimulator;

  beforeAll(async () => {
    db = createTestDatabase();
    const logger = createLogger("trace", stream);
    const seed = {
      ...smallCorpSeed({ customers: 5 }),
      secret: secrets.corpSecret,
      callbackToken: secrets.callbackToken,
      callbackAesKey: secrets.callbackAesKey,
    };
    simulator = createWecomSimulator(seed);
    sim = await simulator.listen();
    const client = new WecomClient({
      baseUrl: sim.url,
      corpId: seed.corpId,
      secret: seed.secret,
      agentId: seed.agentId,
      sleep: () => Promise.resolve(),
      logger,
    });
    const config = testConfig(db, {
      LOG_LEVEL: "trace",
      SESSION_SECRET: secrets.sessionSecret,
      SECRETS_KEY: secrets.secretsKey,
    });
    server = await startServer(config, {
      logger,
      startJobs: false,
      wecom: { client, callbackCrypto: new CallbackCrypto(seed.callbackToken, seed.callbackAesKey, seed.corpId) },
    });
    simulator.setCallbackUrl(`${server.url}/wecom/callback`);

    const user = await given(server.ds).user({ role: "hq_admin", password: secrets.password });
    const http = new HttpClient(server.url);
    const login = (password: string) => http.post("/api/v1/auth/login", { username: user.username, password });
    expect((await login(secrets.wrongPassword)).status).toBe(401);
    expect((await login(secrets.password)).status).toBe(200);
    found.adminCookie = http.cookie("siyu_admin")!;
    found.csrfToken = http.cookie("siyu_csrf")!;

    // an API key, used well and badly
    const key = await http.post("/api/v1/api-keys", { name: "POS" });
    expect(key.status).toBe(201);
    found.apiKey = key.body.key;
    const orders = (headers: Record<string, string>) => new HttpClient(server.url).post("/api/v1/orders", [], headers);
    expect((await orders({ authorization: `Bearer ${found.apiKey}` })).status).toBe(200);
    expect((await orders({ "x-api-key": found.apiKey })).status).toBe(200);
    expect((await orders({ authorization: `Bearer ${found.apiKey}x` })).status).toBe(401);

    // WeCom settings from the settings page, then calls to WeCom with the corp secret
    const put = await http.request("PUT", "/api/v1/settings/wecom", {
      secret: secrets.settingsSecret,
      callbackToken: secrets.settingsToken,
      callbackAesKey: secrets.settingsAesKey,
    });
    expect(put.status).toBe(200);
    // the page's secret is the one the client uses now: WeCom refuses it, and the failure is logged
    await server.jobs.runNow(SYNC_JOB);
    expect(lines.some((l) => l.includes("WeCom call failed"))).toBe(true);
    // without it the client falls back to its own (the simulator's) secret
    expect((await http.request("PUT", "/api/v1/settings/wecom", { secret: null })).status).toBe(200);
    expect(await server.jobs.runNow(SYNC_JOB)).toBe("ran");

    // signed callbacks: genuine, replayed, forged; and URL verification
    const sealer = new CallbackCrypto(seed.callbackToken, seed.callbackAesKey, seed.corpId);
    const event = `<xml><ToUserName><![CDATA[${seed.corpId}]]></ToUserName><FromUserName><![CDATA[sys]]></FromUserName><CreateTime>1732400000</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[change_external_contact]]></Event><ChangeType><![CDATA[del_follow_user]]></ChangeType><UserID><![CDATA[li.na]]></UserID><ExternalUserID><![CDATA[wmNOBODY]]></ExternalUserID></xml>`;
    const { encrypt, signature } = sealer.seal(event, "1732400000", "nonce1");
    const envelope = `<xml><ToUserName><![CDATA[${seed.corpId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt></xml>`;
    const q = (sig: string) => new URLSearchParams({ msg_signature: sig, timestamp: "1732400000", nonce: "nonce1" });
    const cb = new HttpClient(server.url);
    for (let i = 0; i < 2; i++)
      expect((await cb.post(`/wecom/callback?${q(signature)}`, envelope, { "content-type": "text/xml" })).text).toBe(
        "success",
      );
    expect(
      (
        await cb.post(`/wecom/callback?${q((signature[0] === "0" ? "1" : "0") + signature.slice(1))}`, envelope, {
          "content-type": "text/xml",
        })
      ).status,
    ).toBe(403);
    const echo = sealer.seal("echo-42", "1732400001", "nonce2");
    const verify = new URLSearchParams({
      msg_signature: echo.signature,
      timestamp: "1732400001",
      nonce: "nonce2",
      echostr: echo.encrypt,
    });
    expect((await cb.get(`/wecom/callback?${verify}`)).text).toBe("echo-42");
    await server.app.services.wecom!.inbox.processBacklog();

    // the guide's sidebar session
    const sidebar = new HttpClient(server.url);
    expect((await sidebar.post("/api/v1/sidebar/dev/login", { userid: "li.na" })).status).toBe(200);
    found.sidebarCookie = sidebar.cookie("siyu_sidebar")!;
    expect((await sidebar.get("/api/v1/sidebar/me")).status).toBe(200);

    // a password change: a wrong current one first, then the right one; sign out
    const change = (currentPassword: string) =>
      http.post("/api/v1/auth/password", { currentPassword, newPassword: secrets.newPassword });
    expect((await change(secrets.wrongPassword)).status).toBeGreaterThanOrEqual(400);
    expect((await change(secrets.password)).status).toBeLessThan(300);
    found.adminCookieAfterChange = http.cookie("siyu_admin")!;
    expect((await http.post("/api/v1/auth/logout")).status).toBeLessThan(300);
    await server.jobs.stop();
    // the access tokens WeCom (the simulator) handed out
    [...simulator.state.tokens.keys()].forEach((token, i) => (found[`accessToken${i}`] = token));
    expect(Object.keys(found).some((k) => k.startsWith("accessToken"))).toBe(true);
  });

  afterAll(async () => {
    await server?.close();
    await sim?.close();
    await db?.drop();
  });

  it("captured a real log at trace level", () => {
    expect(lines.length).toBeGreaterThan(20);
    const parsed = lines.map((l) => JSON.parse(l) as { msg?: string; path?: string });
    expect(parsed.some((l) => l.path === "/api/v1/auth/login")).toBe(true);
    expect(parsed.some((l) => l.msg === "WeCom callback stored")).toBe(true);
  });

  it("redacts credential fields wherever a log object carries them", () => {
    const captured: string[] = [];
    const log = createLogger(
      "trace",
      new Writable({
        write(chunk, _enc, done) {
          captured.push(String(chunk));
          done();
        },
      }),
    );
    const value = alnum(24);
    for (const field of [
      "password",
      "currentPassword",
      "newPassword",
      "secret",
      "corpsecret",
      "token",
      "apiKey",
      "authorization",
      "callbackToken",
      "callbackAesKey",
      "sessionSecret",
      "secretsKey",
      "cookie",
    ]) {
      log.info({ [field]: value }, "top level");
      log.info({ body: { [field]: value } }, "one level down");
    }
    log.info({ req: { headers: { cookie: value, authorization: value } } }, "request");
    log.info({ res: { headers: { "set-cookie": value } } }, "response");
    expect(captured.length).toBe(28);
    expect(captured.filter((l) => l.includes(value))).toEqual([]);
  });

  it("holds none of the secrets", () => {
    const all = { ...secrets, ...found };
    for (const [name, value] of Object.entries(all)) expect(value, name).toBeTruthy();
    const leaks = Object.entries(all).flatMap(([name, value]) =>
      lines.filter((l) => l.includes(value)).map((l) => `${name}: ${l.slice(0, 300)}`),
    );
    expect(leaks).toEqual([]);
    // nor anything that looks like a credential in a URL
    expect(lines.filter((l) => /corpsecret=|access_token=[^&"\s[]/i.test(l))).toEqual([]);
  });
});

describe(`security headers (${testDialect()})`, () => {
  let db: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    db = createTestDatabase();
    // a built front end of our own, so that the test does not depend on `npm run build`
    const dist = join(db.dataDir, "dist");
    mkdirSync(join(dist, "assets"), { recursive: true });
    writeFileSync(join(dist, "index.html"), "<!doctype html><title>siyu</title>");
    writeFileSync(join(dist, "assets", "app.js"), "console.log(1)");
    server = await startServer(testConfig(db), {
      logger: createLogger("silent"),
      startJobs: false,
      webAdminDist: dist,
      webSidebarDist: dist,
    });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("sets them on API answers, errors, health checks and the front ends' pages", async () => {
    const paths = ["/api/v1/auth/me", "/api/v1/sidebar/bootstrap", "/api/v1/nope", "/healthz", "/", "/sidebar/"];
    for (const path of [...paths, "/assets/app.js", "/sidebar/assets/app.js", "/assets/nope.js"]) {
      const res = await fetch(server.url + path);
      if (path === "/assets/app.js") expect(await res.text()).toBe("console.log(1)");
      expect(res.headers.get("x-content-type-options"), path).toBe("nosniff");
      expect(res.headers.get("referrer-policy"), path).toBe("same-origin");
      expect(res.headers.get("x-frame-options"), path).toBe("SAMEORIGIN");
      expect(res.headers.get("x-powered-by"), path).toBeNull();
    }
  });

  it("sends a content policy per surface: the admin's own bundle, the sidebar plus WeCom's SDK hosts, nothing for data", async () => {
    const csp = async (path: string) => {
      const res = await fetch(server.url + path);
      return { type: res.headers.get("content-type") ?? "", policy: res.headers.get("content-security-policy") ?? "" };
    };
    for (const path of ["/", "/customers/42"]) {
      const page = await csp(path);
      expect(page.type, path).toContain("text/html");
      expect(page.policy, path).toContain("script-src 'self';");
      expect(page.policy, path).toContain("object-src 'none'");
      expect(page.policy, path).not.toContain("weixin");
    }
    const sidebar = await csp("/sidebar/customer");
    expect(sidebar.type).toContain("text/html");
    expect(sidebar.policy).toContain("script-src 'self' https://open.work.weixin.qq.com");
    expect(sidebar.policy).toContain("frame-src https://login.work.weixin.qq.com");
    for (const path of ["/healthz", "/api/v1/nope", "/api/v1/sidebar/bootstrap", "/assets/app.js"])
      expect((await csp(path)).policy, path).toBe("default-src 'none'; frame-ancestors 'self'");
  });
});
