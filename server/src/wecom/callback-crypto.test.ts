import { describe, expect, it } from "vitest";
import vectors from "./fixtures/official-vectors.json" with { type: "json" };
import { CallbackCrypto, CallbackCryptoError } from "./callback-crypto.ts";
import { list, parseWecomXml } from "./xml.ts";

// Official samples (wecom.md §T): set A from doc 91144, set B from the python sample.
const sets = [
  { cfg: vectors.configA, verify: vectors.A_verify_url, post: vectors.A_post_message },
  { cfg: vectors.configB, verify: vectors.B_verify_url, post: vectors.B_post_message },
];

describe("WeCom callback crypto against the official vectors", () => {
  for (const { cfg, verify, post } of sets) {
    const crypto = new CallbackCrypto(cfg.token, cfg.encodingAESKey, cfg.receiveid);

    it(`verifies the URL of ${cfg.receiveid}`, () => {
      expect(crypto.verifyUrl(verify)).toBe(verify.expected.plaintext);
    });

    it(`decrypts the POST message of ${cfg.receiveid} (pad ${post.expected.pad})`, () => {
      expect(crypto.decryptMessage(post, post.encrypt)).toBe(post.expected.plaintext);
    });

    it(`re-encrypts byte for byte with the sample's random (${cfg.receiveid})`, () => {
      const sealed = crypto.seal(
        post.expected.plaintext,
        post.timestamp,
        post.nonce,
        Buffer.from(post.expected.random_ascii),
      );
      expect(sealed).toEqual({ encrypt: post.encrypt, signature: post.msg_signature });
    });
  }

  it("refuses a flipped signature", () => {
    const { cfg, post } = sets[0]!;
    const crypto = new CallbackCrypto(cfg.token, cfg.encodingAESKey, cfg.receiveid);
    const flipped = post.msg_signature.replace(/^./, (c) => (c === "a" ? "b" : "a"));
    expect(() => crypto.decryptMessage({ ...post, msg_signature: flipped }, post.encrypt)).toThrow(
      expect.objectContaining({ reason: "bad_signature" }),
    );
  });

  it("refuses set A's ciphertext for another corp id", () => {
    const { cfg, post } = sets[0]!;
    const crypto = new CallbackCrypto(cfg.token, cfg.encodingAESKey, "ww1436e0e65a779aee");
    expect(() => crypto.decryptMessage(post, post.encrypt)).toThrow(
      expect.objectContaining({ reason: "wrong_receiver" }),
    );
  });

  it("refuses a correctly signed message under the wrong key", () => {
    const { post } = sets[0]!;
    const b = vectors.configB;
    // set A's token and corp id, set B's key: the signature passes, decryption yields garbage
    const crypto = new CallbackCrypto(vectors.configA.token, b.encodingAESKey, vectors.configA.receiveid);
    expect(() => crypto.decryptMessage(post, post.encrypt)).toThrow(CallbackCryptoError);
  });

  it("shows that a 16-byte unpad would fail on pad 30 (why 32-byte blocks matter)", async () => {
    const { createDecipheriv } = await import("node:crypto");
    const key = Buffer.from(vectors.configA.encodingAESKey + "=", "base64");
    const d = createDecipheriv("aes-256-cbc", key, key.subarray(0, 16));
    expect(() => Buffer.concat([d.update(vectors.A_post_message.encrypt, "base64"), d.final()])).toThrow();
  });
});

describe("WeCom XML", () => {
  it("reads leaf elements, CDATA and both MemChangeList forms", () => {
    const x = parseWecomXml(
      "<xml><ChatId><![CDATA[wrx7]]></ChatId><JoinScene>1</JoinScene><MemChangeList><Item>Jack</Item><Item>Rose</Item></MemChangeList><Name>a &amp; b</Name></xml>",
    );
    expect(x).toEqual({ ChatId: "wrx7", JoinScene: "1", MemChangeList: ["Jack", "Rose"], Name: "a & b" });
    expect(
      list(parseWecomXml("<xml><MemChangeList><![CDATA[Jack,Rose]]></MemChangeList></xml>").MemChangeList),
    ).toEqual(["Jack", "Rose"]);
  });
  it("refuses what is not a WeCom document", () => {
    expect(() => parseWecomXml("<html></html>")).toThrow();
  });
});
