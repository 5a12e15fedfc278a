import { afterAll, beforeAll, describe, expect, it } from "vitest";
import vectors from "../../server/src/wecom/fixtures/official-vectors.json" with { type: "json" };
import { CallbackCrypto } from "../../server/src/wecom/callback-crypto.ts";
import { WecomClient } from "../../server/src/wecom/wecom-client.ts";
import { num } from "../../server/src/db/dialect.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

type Config = typeof vectors.configA;

/** A server whose callback settings are one of the official sample configurations. */
async function serverFor(cfg: Config, receiveId = cfg.receiveid): Promise<TestServer> {
  const client = new WecomClient({ baseUrl: "http://127.0.0.1:9/cgi-bin/", corpId: receiveId, secret: "unused" });
  return startTestServer({
    startJobs: false,
    wecom: { client, callbackCrypto: new CallbackCrypto(cfg.token, cfg.encodingAESKey, receiveId) },
  });
}

const qs = (o: Record<string, string>) => new URLSearchParams(o).toString();
const body = (v: typeof vectors.A_post_message, to: string) =>
  `<xml><ToUserName><![CDATA[${to}]]></ToUserName><Encrypt><![CDATA[${v.encrypt}]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>`;

describe(`official callback vectors over HTTP (${testDialect()})`, () => {
  const sets = [
    { name: "A", cfg: vectors.configA, verify: vectors.A_verify_url, post: vectors.A_post_message },
    { name: "B", cfg: vectors.configB, verify: vectors.B_verify_url, post: vectors.B_post_message },
  ];
  const servers: Record<string, TestServer> = {};
  beforeAll(async () => {
    for (const s of sets) servers[s.name] = await serverFor(s.cfg);
  });
  afterAll(async () => {
    for (const s of Object.values(servers)) await s.stop();
  });
  const stored = async (name: string) =>
    num((await servers[name]!.ds.query("SELECT COUNT(*) AS n FROM wecom_events"))[0].n);

  for (const s of sets) {
    it(`answers URL verification of set ${s.name} with the bare plaintext`, async () => {
      const { msg_signature, timestamp, nonce, echostr } = s.verify;
      // as WeCom sends it: URL-encoded (+ / = escaped)
      const res = await servers[s.name]!.client().get(
        `/wecom/callback?${qs({ msg_signature, timestamp, nonce, echostr })}`,
      );
      expect(res.status).toBe(200);
      expect(res.text).toBe(s.verify.expected.plaintext);
      expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    });

    it(`accepts set ${s.name}'s POST message (pad ${s.post.expected.pad}) and stores its plaintext`, async () => {
      const { msg_signature, timestamp, nonce } = s.post;
      const res = await servers[s.name]!.client().post(
        `/wecom/callback?${qs({ msg_signature, timestamp, nonce })}`,
        body(s.post, s.cfg.receiveid),
        { "content-type": "text/xml" },
      );
      expect([res.status, res.text]).toEqual([200, "success"]);
      const rows = await servers[s.name]!.ds.query("SELECT payload FROM wecom_events");
      expect(rows.map((r: { payload: string }) => r.payload)).toEqual([s.post.expected.plaintext]);
    });
  }

  it("refuses a flipped signature and stores nothing", async () => {
    const before = await stored("A");
    const { timestamp, nonce, msg_signature } = vectors.A_post_message;
    const flipped = (msg_signature[0] === "a" ? "b" : "a") + msg_signature.slice(1);
    const res = await servers
      .A!.client()
      .post(`/wecom/callback?${qs({ msg_signature: flipped, timestamp, nonce })}`, body(vectors.A_post_message, "x"), {
        "content-type": "text/xml",
      });
    expect(res.status).toBe(403);
    expect(res.body.error.code).toBe("callback_refused");
    expect(await stored("A")).toBe(before);
    const { timestamp: ts, nonce: n, echostr } = vectors.A_verify_url;
    const get = await servers
      .A!.client()
      .get(`/wecom/callback?${qs({ timestamp: ts, nonce: n, echostr, msg_signature: flipped })}`);
    expect(get.status).toBe(403);
  });

  it("refuses set A's message at a server of another corp id, and under another key", async () => {
    const wrongCorp = await serverFor(vectors.configA, "ww1436e0e65a779aee");
    const wrongKey = await serverFor({ ...vectors.configA, encodingAESKey: vectors.configB.encodingAESKey });
    try {
      const { msg_signature, timestamp, nonce } = vectors.A_post_message;
      for (const s of [wrongCorp, wrongKey]) {
        const res = await s
          .client()
          .post(`/wecom/callback?${qs({ msg_signature, timestamp, nonce })}`, body(vectors.A_post_message, "x"), {
            "content-type": "text/xml",
          });
        expect(res.status).toBe(403);
        expect(num((await s.ds.query("SELECT COUNT(*) AS n FROM wecom_events"))[0].n)).toBe(0);
      }
    } finally {
      await wrongCorp.stop();
      await wrongKey.stop();
    }
  });

  it("refuses a missing signature, a non-WeCom body and an oversized body", async () => {
    const http = servers.A!.client();
    expect((await http.post("/wecom/callback", "<xml/>", { "content-type": "text/xml" })).status).toBe(400);
    const q = qs({ msg_signature: "x", timestamp: "1", nonce: "2" });
    expect((await http.post(`/wecom/callback?${q}`, "<html>hi</html>", { "content-type": "text/xml" })).status).toBe(
      400,
    );
    expect(
      (await http.post(`/wecom/callback?${q}`, "<xml>" + "A".repeat(70_000) + "</xml>", { "content-type": "text/xml" }))
        .status,
    ).toBe(413);
  });
});
