import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../platform/clock.ts";
import { createLogger } from "../platform/logger.ts";
import { WecomClient } from "./wecom-client.ts";
import { WecomError } from "./wecom-error.ts";

type Answer = { status?: number; json?: unknown; delayMs?: number };

/** A scripted WeCom: answers per API path from a queue, then a default. Records every request. */
function scripted(script: Record<string, Answer[]>, defaults: Record<string, unknown> = {}) {
  const requests: { api: string; url: URL; body?: unknown }[] = [];
  let tokenN = 0;
  const fetchImpl = (async (input: URL | string, init?: RequestInit) => {
    const url = new URL(String(input));
    const api = url.pathname.replace(/^\/cgi-bin\//, "");
    requests.push({ api, url, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const answer = script[api]?.shift() ?? {
      json:
        api === "gettoken"
          ? { errcode: 0, errmsg: "ok", access_token: `tok${++tokenN}`, expires_in: 7200 }
          : (defaults[api] ?? { errcode: 0, errmsg: "ok" }),
    };
    if (answer.delayMs)
      await new Promise((resolve, reject) => {
        const t = setTimeout(resolve, answer.delayMs);
        init?.signal?.addEventListener("abort", () => {
          clearTimeout(t);
          reject(new DOMException("aborted", "AbortError"));
        });
      });
    return new Response(
      answer.status && answer.status >= 400 ? "<html>bad gateway</html>" : JSON.stringify(answer.json),
      {
        status: answer.status ?? 200,
      },
    );
  }) as typeof fetch;
  return { fetchImpl, requests, calls: (api: string) => requests.filter((r) => r.api === api) };
}

function client(fetchImpl: typeof fetch, extra: Partial<ConstructorParameters<typeof WecomClient>[0]> = {}) {
  const sleeps: number[] = [];
  const c = new WecomClient({
    baseUrl: "http://wecom.test/cgi-bin/",
    corpId: "ww1",
    secret: "TOP-SECRET-VALUE",
    agentId: 1000002,
    fetch: fetchImpl,
    sleep: async (ms) => void sleeps.push(ms),
    random: () => 0.5,
    clock: fixedClock(new Date("2026-11-24T00:00:00Z")),
    ...extra,
  });
  return { c, sleeps };
}

describe("WecomClient", () => {
  it("fetches one token for many concurrent calls and reuses it", async () => {
    const s = scripted(
      {},
      { "externalcontact/get_follow_user_list": { errcode: 0, errmsg: "ok", follow_user: ["a", "b"] } },
    );
    const { c } = client(s.fetchImpl);
    const results = await Promise.all(Array.from({ length: 10 }, () => c.getFollowUserList()));
    expect(results.every((r) => r.join() === "a,b")).toBe(true);
    expect(s.calls("gettoken")).toHaveLength(1);
    expect(s.calls("gettoken")[0]!.url.searchParams.get("corpsecret")).toBe("TOP-SECRET-VALUE");
    expect(
      s.calls("externalcontact/get_follow_user_list").every((r) => r.url.searchParams.get("access_token") === "tok1"),
    ).toBe(true);
  });

  it("refreshes an expired token once and retries; a second refusal is an error", async () => {
    const s = scripted({
      "externalcontact/get_follow_user_list": [{ json: { errcode: 42001, errmsg: "access_token expired" } }],
    });
    const { c } = client(s.fetchImpl);
    await c.getFollowUserList();
    expect(s.calls("gettoken")).toHaveLength(2);
    const last = s.calls("externalcontact/get_follow_user_list").at(-1)!;
    expect(last.url.searchParams.get("access_token")).toBe("tok2");

    const again = scripted({
      "externalcontact/get_follow_user_list": [0, 1].map(() => ({
        json: { errcode: 40014, errmsg: "invalid access_token" },
      })),
    });
    await expect(client(again.fetchImpl).c.getFollowUserList()).rejects.toMatchObject({
      errcode: 40014,
      api: "externalcontact/get_follow_user_list",
    });
    expect(again.calls("gettoken")).toHaveLength(2);
  });

  it("retries -1 three times with back-off, then gives up", async () => {
    const busy = { json: { errcode: -1, errmsg: "system busy" } };
    const s = scripted({ "externalcontact/mark_tag": [busy, busy, busy] });
    const { c, sleeps } = client(s.fetchImpl);
    await c.markTag({ userid: "u", external_userid: "e", add_tag: ["t"] });
    expect(s.calls("externalcontact/mark_tag")).toHaveLength(4);
    expect(sleeps).toEqual([200, 400, 800]);

    const s2 = scripted({ "externalcontact/mark_tag": [busy, busy, busy, busy] });
    await expect(
      client(s2.fetchImpl).c.markTag({ userid: "u", external_userid: "e", add_tag: ["t"] }),
    ).rejects.toBeInstanceOf(WecomError);
  });

  it("backs off with jitter on 45009 and 45033", async () => {
    const s = scripted({
      "externalcontact/groupchat/list": [
        { json: { errcode: 45009, errmsg: "api freq out of limit" } },
        { json: { errcode: 45033, errmsg: "api concurrent out of limit" } },
      ],
    });
    const { c, sleeps } = client(s.fetchImpl, { random: () => 0.25 });
    await c.groupChatList({ limit: 100 });
    expect(sleeps).toEqual([375, 750]); // 500*2^n * (0.5 + 0.25)
  });

  it("retries HTTP failures and timeouts", async () => {
    const s = scripted({ "externalcontact/get_follow_user_list": [{ status: 502 }, { delayMs: 200 }] });
    const { c, sleeps } = client(s.fetchImpl, { timeoutMs: 50 });
    await c.getFollowUserList();
    expect(s.calls("externalcontact/get_follow_user_list")).toHaveLength(3);
    expect(sleeps).toEqual([300, 600]);
  });

  it("does not retry a mass send that timed out (WeCom may have created it), but retries its refusals", async () => {
    const api = "externalcontact/add_msg_template";
    const s = scripted({ [api]: [{ status: 502 }, { json: { errcode: 45009, errmsg: "freq" } }, { delayMs: 200 }] });
    const { c } = client(s.fetchImpl, { timeoutMs: 50 });
    const err = await c.addMsgTemplate({ chat_type: "single", sender: "li.na" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WecomError);
    expect((err as WecomError).errcode).toBe(-3);
    expect(s.calls(api)).toHaveLength(3); // 502 and 45009 retried, the timeout not
  });

  it("does not retry configuration errors and names the API", async () => {
    const s = scripted({ gettoken: [{ json: { errcode: 40001, errmsg: "invalid secret" } }] });
    const err = await client(s.fetchImpl)
      .c.getFollowUserList()
      .catch((e) => e);
    expect(err).toBeInstanceOf(WecomError);
    expect(err).toMatchObject({ api: "gettoken", errcode: 40001 });
    expect(s.calls("gettoken")).toHaveLength(1);
  });

  it("never writes the secret or a token into its logs", async () => {
    let out = "";
    const sink = new Writable({ write: (chunk, _e, cb) => ((out += chunk), cb()) });
    const s = scripted({ "externalcontact/mark_tag": [{ json: { errcode: 84061, errmsg: "not external contact" } }] });
    const { c } = client(s.fetchImpl, { logger: createLogger("debug", sink) });
    await expect(c.markTag({ userid: "u", external_userid: "e", add_tag: ["t"] })).rejects.toThrow();
    expect(out).toContain("externalcontact/mark_tag");
    expect(out).not.toContain("TOP-SECRET-VALUE");
    expect(out).not.toContain("tok1");
  });
});
