import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { WECOM_SETTING } from "../../server/src/modules/settings/wecom-settings.service.ts";
import { given } from "../support/given.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";

/**
 * The WeCom app secret saved on the settings page is what the client uses for its next call
 * (simulator mode, no WECOM_* variables): a JS-SDK signature needs a token, and the simulator
 * accepts only its current secret.
 */
describe(`WeCom credentials from the settings page (${testDialect()})`, () => {
  let s: WecomTestServer;
  let admin: HttpClient;
  let guide: HttpClient;
  const clock = fixedClock(new Date());
  beforeAll(async () => {
    s = await startWecomTestServer({ clock });
    await s.services().sync.run("test");
    await given(s.ds).user({ role: "hq_admin", username: "admin" });
    admin = s.client();
    expect((await admin.post("/api/v1/auth/login", { username: "admin", password: "correct-horse-9" })).status).toBe(
      200,
    );
    guide = s.client();
    expect((await guide.post("/api/v1/sidebar/dev/login", { userid: "li.na" })).status).toBe(200);
  });
  afterAll(() => s.stop());

  const sign = () => guide.post("/api/v1/sidebar/jssdk/config-signature", { url: "https://siyu.example.com/sidebar/" });
  const tokenCalls = () => s.sim.state.calls.filter((c) => c.api === "gettoken");
  const setSecret = async (secret: string | null) =>
    expect((await admin.request("PUT", "/api/v1/settings/wecom", { secret })).status).toBe(200);

  it("uses a new secret for the next call, with a token of its own", async () => {
    expect((await sign()).status).toBe(200);
    const before = tokenCalls().length;
    expect((await sign()).status).toBe(200); // cached token and ticket: no new gettoken
    expect(tokenCalls().length).toBe(before);

    // the admin resets the secret in WeCom and pastes the new one into the settings page
    s.sim.state.corp.secret = "rotated-secret-0123456789";
    await setSecret("rotated-secret-0123456789");
    expect((await sign()).status).toBe(200);
    expect(tokenCalls().slice(before)).toEqual([expect.objectContaining({ errcode: 0 })]);
  });

  it("fails with a wrong secret, and recovers when it is put right", async () => {
    await setSecret("not-the-secret");
    expect((await sign()).status).toBeGreaterThanOrEqual(500);
    expect(tokenCalls().at(-1)).toMatchObject({ errcode: 40001 });
    await setSecret("rotated-secret-0123456789");
    expect((await sign()).status).toBe(200);
    expect(tokenCalls().at(-1)).toMatchObject({ errcode: 0 });
  });

  it("falls back to the start-up secret when the stored one is cleared", async () => {
    s.sim.state.corp.secret = "sim-secret-for-tests";
    await setSecret(null);
    expect((await sign()).status).toBe(200);
    expect(tokenCalls().at(-1)).toMatchObject({ errcode: 0 });
  });

  it("registers the sidebar's JS-SDK and OAuth with the corp and agent saved on the settings page", async () => {
    const put = (body: Record<string, unknown>) => admin.request("PUT", "/api/v1/settings/wecom", body);
    expect((await put({ corpId: "wwSettingsCorp0001", agentId: 1000099 })).status).toBe(200);
    expect((await s.client().get("/api/v1/sidebar/bootstrap")).body).toMatchObject({
      corpId: "wwSettingsCorp0001",
      agentId: 1000099,
    });
    const start = await s.client().get("/api/v1/sidebar/oauth/start");
    const location = new URL(start.headers.get("location")!.replace("#wechat_redirect", ""));
    expect(location.searchParams.get("appid")).toBe("wwSettingsCorp0001");
    expect(location.searchParams.get("agentid")).toBe("1000099");
    // cleared: back to what the server started with (the simulator's corp here)
    expect((await put({ corpId: null, agentId: null })).status).toBe(200);
    expect((await s.client().get("/api/v1/sidebar/bootstrap")).body).toMatchObject({
      corpId: s.sim.state.corp.corpId,
    });
  });

  it("reads the stored settings at most every few seconds, and sees another instance's change after that", async () => {
    const settings = s.app.services.wecomSettings;
    const first = await settings.effective();
    // another instance stores a new corp id: this one keeps its read for the TTL, then reads again
    const [row] = await s.ds.query("SELECT value FROM settings WHERE name = ?", [WECOM_SETTING]);
    const stored = {
      ...(typeof row?.value === "string" ? JSON.parse(row.value) : (row?.value ?? {})),
      corpId: "wwOtherInstance",
    };
    await s.ds.query("UPDATE settings SET value = ? WHERE name = ?", [JSON.stringify(stored), WECOM_SETTING]);
    expect((await settings.effective()).corpId).toBe(first.corpId);
    clock.advance(5_000);
    expect((await settings.effective()).corpId).toBe("wwOtherInstance");
  });
});
