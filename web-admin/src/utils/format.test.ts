import { describe, expect, it } from "vitest";
import { centsToYuan, formatCents, formatCount, formatDateTime } from "./format";

describe("formatCount", () => {
  it("groups thousands with commas", () => {
    expect(formatCount(0)).toBe("0");
    expect(formatCount(3000)).toBe("3,000");
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});

describe("formatCents", () => {
  it("formats integer cents as yuan with two decimals", () => {
    expect(formatCents(0)).toBe("¥0.00");
    expect(formatCents(5)).toBe("¥0.05");
    expect(formatCents(123456789)).toBe("¥1,234,567.89");
    expect(formatCents(-100)).toBe("-¥1.00");
  });

  it("converts cents for charts", () => {
    expect(centsToYuan(12345)).toBe(123.45);
  });
});

describe("formatDateTime", () => {
  it("shows local minutes and a dash for nothing", () => {
    expect(formatDateTime(new Date(2026, 0, 2, 3, 4, 59).toISOString())).toBe("2026-01-02 03:04");
    expect(formatDateTime(null)).toBe("—");
    expect(formatDateTime("not a date")).toBe("—");
  });
});
