import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";

// wecom.md §T3 (doc 90506)
const T3 = {
  noncestr: "Wm3WZYTPz0wzccnW",
  ticket: "sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg",
  timestamp: 1414587457,
  url: "http://mp.weixin.qq.com?params=value",
  signature: "0f9de62fce790f9a083d5c99e95740ceb90c27ed",
};

describe(`WeCom identity: OAuth and JS-SDK (${testDialect()})`, () => {
  let s: WecomTestServer;
  beforeAll(async () => {
    s = await startWecomTestServer({ clock: fixedClock(new Date(T3.timestamp * 1000)), nonce: () => T3.noncestr });
    await s.services().sync.run("test");
  });
  afterAll(() => s.stop());

  /** Walks the browser's OAuth round trip: start (state cookie), WeCom's redirect back with a code. */
  async function signIn(
    http: ReturnType<WecomTestServer["client"]>,
    userid: string,
    code = s.sim.issueOauthCode(userid),
  ) {
    const start = await http.get("/api/v1/sidebar/oauth/start?redirect=/sidebar/tasks");
    expect(start.status).toBe(302);
    const location = new URL(start.headers.get("location")!.replace("#wechat_redirect", ""));
    expect(location.origin + location.pathname).toBe("https://open.weixin.qq.com/connect/oauth2/authorize");
    expect(Object.fromEntries(location.searchParams)).toMatchObject({
      appid: "wwTESTCORP0000001",
      response_type: "code",
      scope: "snsapi_base",
      agentid: "1000002",
      redirect_uri: `${s.url}/api/v1/sidebar/oauth/callback`,
    });
    expect(start.headers.get("location")!.endsWith("#wechat_redirect")).toBe(true);
    const state = location.searchParams.get("state")!;
    return { code, state, back: await http.get(`/api/v1/sidebar/oauth/callback?code=${code}&state=${state}`) };
  }

  it("signs a guide in with a WeCom OAuth code and refuses the same code again", async () => {
    const http = s.client();
    const { code, back } = await signIn(http, "li.na");
    expect(back.status).toBe(302);
    expect(back.headers.get("location")).toBe("/sidebar/tasks");
    const me = await http.get("/api/v1/sidebar/me");
    expect(me.status).toBe(200);
    expect(me.body.staff.userid).toBe("li.na");

    const again = await signIn(s.client(), "li.na", code);
    expect(again.back.status).toBe(401);
    expect(again.back.body.error.message).toMatch(/already used or has expired/);
  });

  it("refuses a callback whose state this browser did not start, and a foreign redirect", async () => {
    const http = s.client();
    const res = await http.get(
      `/api/v1/sidebar/oauth/callback?code=${s.sim.issueOauthCode("li.na")}&state=${"a".repeat(32)}`,
    );
    expect(res.status).toBe(401);
    expect((await http.get("/api/v1/sidebar/me")).status).toBe(401);
    const open = await http.get("/api/v1/sidebar/oauth/start?redirect=https://evil.example/");
    expect(open.status).toBe(400);
    expect(open.body.error.details.fields[0].field).toBe("redirect");
  });

  it("signs JS-SDK config with the official vector, and agentConfig with the app ticket", async () => {
    s.sim.state.tickets.jsapi = { value: T3.ticket, expires_at_ms: Date.now() + 3600_000 };
    const http = s.client();
    expect((await http.post("/api/v1/sidebar/jssdk/config-signature", { url: T3.url })).status).toBe(401); // needs a session
    await signIn(http, "wang.fang");
    const res = await http.post("/api/v1/sidebar/jssdk/config-signature", { url: `${T3.url}#/some/route` });
    expect(res.body).toEqual({ timestamp: T3.timestamp, nonceStr: T3.noncestr, signature: T3.signature });

    const agent = await http.post("/api/v1/sidebar/jssdk/agent-signature", { url: T3.url });
    const agentTicket = s.sim.state.tickets.agent_config!.value;
    const expected = createHash("sha1")
      .update(`jsapi_ticket=${agentTicket}&noncestr=${T3.noncestr}&timestamp=${T3.timestamp}&url=${T3.url}`)
      .digest("hex");
    expect(agent.body.signature).toBe(expected);
    // tickets are cached: many signatures, one ticket fetch each
    for (let i = 0; i < 5; i++) {
      await http.post("/api/v1/sidebar/jssdk/agent-signature", { url: T3.url });
      await http.post("/api/v1/sidebar/jssdk/config-signature", { url: T3.url });
    }
    expect(s.sim.calls.filter((c) => c.api === "ticket/get")).toHaveLength(1);
    expect(s.sim.calls.filter((c) => c.api === "get_jsapi_ticket")).toHaveLength(1);
    expect((await http.post("/api/v1/sidebar/jssdk/agent-signature", { url: "not a url" })).status).toBe(400);
  });
});
