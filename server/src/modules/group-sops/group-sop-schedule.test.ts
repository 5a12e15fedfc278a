import { describe, expect, it } from "vitest";
import { latestOccurrence, nextOccurrence, sopScheduleProblem } from "./group-sop-schedule.ts";

describe("group SOP schedules (Asia/Shanghai)", () => {
  it("accepts daily and weekly slots and names what is wrong with others", () => {
    expect(sopScheduleProblem("0 10 * * *")).toBeNull();
    expect(sopScheduleProblem("0 18 * * 5")).toBeNull();
    expect(sopScheduleProblem("30 9 * * 1,3,5")).toBeNull();
    expect(sopScheduleProblem("0 10 * *")).toMatch(/five fields/);
    expect(sopScheduleProblem("0 25 * * *")).toMatch(/not a valid cron/);
    expect(sopScheduleProblem("*/30 * * * *")).toBe("fires more than once an hour");
    expect(sopScheduleProblem("0,30 10 * * *")).toBe("fires more than once an hour");
  });

  it("reads slots in Shanghai time: 10:00 there is 02:00 UTC", () => {
    expect(nextOccurrence("0 10 * * *", new Date("2026-11-24T02:00:00Z"))?.toISOString()).toBe(
      "2026-11-25T02:00:00.000Z",
    );
    // Friday 18:00 in Shanghai, after Tuesday 2026-11-24
    expect(nextOccurrence("0 18 * * 5", new Date("2026-11-24T02:00:00Z"))?.toISOString()).toBe(
      "2026-11-27T10:00:00.000Z",
    );
  });

  it("finds the latest slot not after now, counting the ones passed over", () => {
    const since = new Date("2026-11-20T02:00:00Z");
    expect(latestOccurrence("0 10 * * *", since, new Date("2026-11-20T02:00:00Z"))).toEqual({
      at: new Date("2026-11-20T02:00:00Z"),
      skipped: 0,
    });
    expect(latestOccurrence("0 10 * * *", since, new Date("2026-11-24T03:00:00Z"))).toEqual({
      at: new Date("2026-11-24T02:00:00Z"),
      skipped: 4,
    });
    expect(latestOccurrence("0 10 * * *", since, new Date("2026-11-20T01:59:00Z"))).toBeNull();
  });
});
