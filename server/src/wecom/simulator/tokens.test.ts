import { afterEach, describe, expect, it } from "vitest";
import { given, startSim, type SimHarness, type WecomJson } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

const json = async (res: Response) => (await res.json()) as WecomJson;

describe("access token", () => {
  it("refuses a wrong corpid, a wrong secret and missing parameters", async () => {
    h = await startSim(given.seed(), { tokenTtlS: 60 });
    const ask = (query: Record<string, string>) => h.raw("gettoken", { query }).then(json);
    expect((await ask({ corpid: "nope", corpsecret: "sim-secret" })).errcode).toBe(40013);
    expect((await ask({ corpid: "wwsimcorp00000001", corpsecret: "nope" })).errcode).toBe(40001);
    expect((await ask({ corpsecret: "sim-secret" })).errcode).toBe(41002);
    expect((await ask({ corpid: "wwsimcorp00000001" })).errcode).toBe(41004);
  });

  it("hands out the same token while valid and a new one after the TTL", async () => {
    h = await startSim(given.seed(), { tokenTtlS: 60 });
    const ask = () =>
      h.raw("gettoken", { query: { corpid: "wwsimcorp00000001", corpsecret: "sim-secret" } }).then(json);
    const first = await ask();
    expect(first).toMatchObject({ errcode: 0, errmsg: "ok", expires_in: 60 });
    expect(first.access_token).toMatch(/^[\w-]{32,512}$/);
    h.clock.advance(30_000);
    expect(await ask()).toMatchObject({ access_token: first.access_token, expires_in: 30 });

    h.clock.advance(30_000);
    const stale = await h.raw("get_jsapi_ticket", { query: { access_token: first.access_token } }).then(json);
    expect(stale.errcode).toBe(42001);
    const second = await ask();
    expect(second.access_token).not.toBe(first.access_token);
    expect(second.expires_in).toBe(60);
  });

  it("answers 41001 without a token and 40014 for an unknown one", async () => {
    h = await startSim(given.seed());
    expect((await h.raw("externalcontact/get_follow_user_list").then(json)).errcode).toBe(41001);
    const unknown = await h
      .raw("externalcontact/get_follow_user_list", { query: { access_token: "forged" } })
      .then(json);
    expect(unknown.errcode).toBe(40014);
    expect(unknown.errmsg).toContain("more info at https://open.work.weixin.qq.com/devtool/query?e=40014");
  });
});

describe("plumbing", () => {
  it("answers JSON with HTTP 200, 48002 for unknown APIs and 43002 for a GET on a POST API", async () => {
    h = await startSim(given.seed());
    const res = await h.raw("externalcontact/no_such_api", { query: { access_token: await h.token() } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect((await json(res)).errcode).toBe(48002);
    expect((await h.get("externalcontact/mark_tag")).errcode).toBe(43002);
  });

  it("answers 40058 with the documented wording for malformed JSON", async () => {
    h = await startSim(given.seed());
    const r = await h.post("externalcontact/mark_tag", "{not json");
    expect(r.errcode).toBe(40058);
    expect(r.errmsg).toContain("Warning: wrong json format.");
    expect((await h.post("externalcontact/mark_tag", "[1,2]")).errcode).toBe(40058);
  });

  it("404s outside /cgi-bin/ and logs every call with its errcode", async () => {
    h = await startSim(given.seed());
    expect((await fetch(new URL("/elsewhere", h.url))).status).toBe(404);
    await h.get("get_jsapi_ticket");
    expect(h.sim.calls.map((c) => [c.api, c.errcode])).toEqual([
      ["gettoken", 0],
      ["get_jsapi_ticket", 0],
    ]);
  });
});

describe("JS-SDK tickets", () => {
  it("returns the same ticket while valid, separately for corp and app", async () => {
    h = await startSim(given.seed());
    const corp = await h.get("get_jsapi_ticket");
    expect(corp).toMatchObject({ errcode: 0, expires_in: 7200 });
    expect((await h.get("get_jsapi_ticket")).ticket).toBe(corp.ticket);
    const app = await h.get("ticket/get", { type: "agent_config" });
    expect(app.errcode).toBe(0);
    expect(app.ticket).not.toBe(corp.ticket);
    expect((await h.get("ticket/get", { type: "other" })).errcode).toBe(40058);
    h.clock.advance(7200_000);
    // the token expired as well; the harness fetches a new one
    expect((await h.get("get_jsapi_ticket")).ticket).not.toBe(corp.ticket);
  });
});
