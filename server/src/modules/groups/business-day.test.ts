import { describe, expect, it } from "vitest";
import { addDays, businessDay, daysBetween, dayStartOf } from "./business-day.ts";

describe("business days (Asia/Shanghai)", () => {
  it("puts an instant on China's calendar day", () => {
    expect(businessDay(new Date("2026-11-24T15:59:59.999Z"))).toBe("2026-11-24");
    expect(businessDay(new Date("2026-11-24T16:00:00.000Z"))).toBe("2026-11-25");
  });

  it("starts a day at 00:00 China time, as WeCom's day_begin_time expects", () => {
    expect(dayStartOf("2026-11-25").toISOString()).toBe("2026-11-24T16:00:00.000Z");
    expect(dayStartOf("2020-09-17").getTime() / 1000).toBe(1600272000); // wecom.md §4.3's example
  });

  it("counts days across month and year ends", () => {
    expect(addDays("2026-12-31", 1)).toBe("2027-01-01");
    expect(addDays("2026-03-01", -1)).toBe("2026-02-28");
    expect(daysBetween("2026-11-29", "2026-12-02")).toEqual(["2026-11-29", "2026-11-30", "2026-12-01", "2026-12-02"]);
    expect(daysBetween("2026-11-02", "2026-11-01")).toEqual([]);
  });
});
