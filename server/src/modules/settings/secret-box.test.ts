import { describe, expect, it } from "vitest";
import { SecretBox, maskSecret } from "./secret-box.ts";

describe("secret box", () => {
  const box = new SecretBox("ab".repeat(32));

  it("round-trips, with a fresh IV each time", () => {
    const a = box.encrypt("app-secret-0001");
    const b = box.encrypt("app-secret-0001");
    expect(a).not.toBe(b);
    expect(a).not.toContain("app-secret");
    expect(box.decrypt(a)).toBe("app-secret-0001");
  });

  it("refuses a tampered value or another key", () => {
    const stored = box.encrypt("app-secret-0001");
    const raw = Buffer.from(stored.slice(3), "base64");
    raw[raw.length - 1]! ^= 1;
    expect(box.decrypt("v1:" + raw.toString("base64"))).toBeNull();
    expect(new SecretBox("cd".repeat(32)).decrypt(stored)).toBeNull();
    expect(box.decrypt("plain")).toBeNull();
  });

  it("masks all but the last four characters of long secrets", () => {
    expect(maskSecret("0123456789abcdef")).toBe("****cdef");
    expect(maskSecret("short")).toBe("****");
    expect(maskSecret(null)).toBeNull();
  });
});
