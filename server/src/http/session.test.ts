import { describe, expect, it } from "vitest";
import { SessionCodec, csrfTokenFor } from "./session.ts";

describe("signed session cookie", () => {
  const codec = new SessionCodec("a".repeat(64));
  it("round-trips until it expires", () => {
    const token = codec.encode({ sub: 7, exp: 2_000 });
    expect(codec.decode(token, 1_000)).toEqual({ sub: 7, exp: 2_000 });
    expect(codec.decode(token, 2_001)).toBeNull();
  });
  it("rejects a forged or altered token", () => {
    const token = codec.encode({ sub: 7, exp: 2_000 });
    const forged = Buffer.from(JSON.stringify({ sub: 1, exp: 9e12 })).toString("base64url") + "." + token.split(".")[1];
    expect(codec.decode(forged, 0)).toBeNull();
    expect(codec.decode(new SessionCodec("b".repeat(64)).encode({ sub: 7, exp: 2_000 }), 0)).toBeNull();
    expect(codec.decode("garbage", 0)).toBeNull();
    expect(codec.decode(undefined, 0)).toBeNull();
  });
});

describe("CSRF token of a session cookie", () => {
  it("is stable for one cookie and differs between cookies", () => {
    expect(csrfTokenFor("a.b")).toBe(csrfTokenFor("a.b"));
    expect(csrfTokenFor("a.b")).not.toBe(csrfTokenFor("a.c"));
    expect(csrfTokenFor("a.b")).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
