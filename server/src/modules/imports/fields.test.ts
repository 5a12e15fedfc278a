import { describe, expect, it } from "vitest";
import { formatCents, parseInstant, parseYuan } from "./fields.ts";

describe("parseYuan", () => {
  it("reads decimal yuan into integer cents without floating point", () => {
    const ok = (s: string) => parseYuan(s);
    expect(ok("128.50")).toEqual({ ok: true, value: 12850 });
    expect(ok("128.5")).toEqual({ ok: true, value: 12850 });
    expect(ok("0.07")).toEqual({ ok: true, value: 7 });
    expect(ok("007.10")).toEqual({ ok: true, value: 710 });
    expect(ok("0")).toEqual({ ok: true, value: 0 });
    // 0.1 + 0.2 style traps: every value is exact
    expect(ok("1.15")).toEqual({ ok: true, value: 115 });
    expect(ok("4.35")).toEqual({ ok: true, value: 435 });
    expect(ok("21474836.47")).toEqual({ ok: true, value: 2147483647 });
  });
  it("says what is wrong", () => {
    expect(parseYuan("12.345")).toEqual({ ok: false, reason: "at most 2 decimals" });
    expect(parseYuan("-3")).toEqual({ ok: false, reason: "must not be negative" });
    expect(parseYuan("1,234.00")).toMatchObject({ reason: "must be an amount in yuan such as 128.50" });
    expect(parseYuan("¥12")).toMatchObject({ ok: false });
    expect(parseYuan("12.")).toMatchObject({ ok: false });
    expect(parseYuan("1e3")).toMatchObject({ ok: false });
    expect(parseYuan("21474836.48")).toEqual({ ok: false, reason: "must be at most 21474836.47" });
  });
  it("formats cents back", () => {
    expect([formatCents(12850), formatCents(7), formatCents(0)]).toEqual(["128.50", "0.07", "0.00"]);
  });
});

describe("parseInstant", () => {
  const at = (s: string) => {
    const r = parseInstant(s);
    return r.ok ? r.value.toISOString() : r.reason;
  };
  it("reads ISO 8601 with an offset into UTC", () => {
    expect(at("2026-05-20T13:14:00+08:00")).toBe("2026-05-20T05:14:00.000Z");
    expect(at("2026-05-20T13:14+0800")).toBe("2026-05-20T05:14:00.000Z");
    expect(at("2026-05-20T05:14:00.123456Z")).toBe("2026-05-20T05:14:00.123Z");
    expect(at("2026-01-01T00:30:00-05:30")).toBe("2026-01-01T06:00:00.000Z");
  });
  it("refuses an instant without offset or an impossible date", () => {
    expect(at("2026-05-20T13:14:00")).toMatch(/with an offset/);
    expect(at("2026-05-20")).toMatch(/ISO 8601 with an offset/);
    expect(at("20/05/2026 13:14")).toMatch(/ISO 8601 with an offset/);
    expect(at("2026-02-30T10:00:00+08:00")).toBe("is not a real date");
    expect(at("2026-02-10T24:00:00+08:00")).toBe("is not a real time of day");
  });
});
