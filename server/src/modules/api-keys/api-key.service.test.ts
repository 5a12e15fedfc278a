import { describe, expect, it } from "vitest";
import { generateApiKey, hashApiKey } from "./api-key.service.ts";

describe("API keys", () => {
  it("are sk_live_ and 32 base62 characters, different every time", () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey()));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
  });

  it("draw characters without modulo bias (bytes 248-255 are skipped)", () => {
    const buffers = [Buffer.alloc(48, 250), Buffer.from([0, 61, 62, ...Array<number>(45).fill(1)])];
    let call = 0;
    expect(generateApiKey(() => buffers[call++]!)).toBe("sk_live_0z0" + "1".repeat(29));
  });

  it("are stored as their SHA-256 in hex", () => {
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
