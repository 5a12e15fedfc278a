import { afterEach, describe, expect, it } from "vitest";
import { given, startSim, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

const seed = () => given.seed({ staff: [given.staff("zhangsan")] });
const api = "externalcontact/get_follow_user_list";

describe("faults", () => {
  it("answers an injected errcode for the next N calls, then succeeds", async () => {
    h = await startSim(seed());
    h.sim.faults.failNext(api, 45009, 2);
    expect((await h.get(api)).errcode).toBe(45009);
    expect((await h.get(api)).errcode).toBe(45009);
    expect(await h.get(api)).toMatchObject({ errcode: 0, follow_user: ["zhangsan"] });
    expect(h.sim.calls.filter((c) => c.api === api).map((c) => c.errcode)).toEqual([45009, 45009, 0]);
  });

  it("matches every API with *", async () => {
    h = await startSim(seed());
    const token = await h.token();
    h.sim.faults.failNext("*", -1);
    const busy = await (await h.raw("get_jsapi_ticket", { query: { access_token: token } })).json();
    expect(busy).toMatchObject({ errcode: -1 });
    expect((await h.get("get_jsapi_ticket")).errcode).toBe(0);
  });

  it("answers HTTP 5xx with an HTML body and logs it", async () => {
    h = await startSim(seed());
    const token = await h.token();
    h.sim.faults.httpErrorNext(api, 502);
    const res = await h.raw(api, { query: { access_token: token } });
    expect(res.status).toBe(502);
    expect(res.headers.get("content-type")).toMatch(/text\/html/);
    expect(await res.text()).toContain("<html>");
    expect(h.sim.calls.at(-1)).toMatchObject({ api, status: 502, errcode: -1 });
    expect((await h.get(api)).errcode).toBe(0);
  });

  it("delays answers", async () => {
    h = await startSim(seed());
    const token = await h.token();
    h.sim.faults.slowNext(api, 150);
    const started = performance.now();
    await h.raw(api, { query: { access_token: token } });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("expires every token: 42001 until a new one is fetched", async () => {
    h = await startSim(seed());
    const old = await h.token();
    h.sim.faults.expireTokens();
    const res = await (await h.raw(api, { query: { access_token: old } })).json();
    expect(res.errcode).toBe(42001);
    const fresh = await h.token();
    expect(fresh).not.toBe(old);
    expect((await (await h.raw(api, { query: { access_token: fresh } })).json()).errcode).toBe(0);
  });

  it("clears pending rules", async () => {
    h = await startSim(seed());
    h.sim.faults.failNext(api, 45033, 5);
    h.sim.faults.httpErrorNext("*", 503, 5);
    h.sim.faults.clear();
    expect((await h.get(api)).errcode).toBe(0);
  });
});
