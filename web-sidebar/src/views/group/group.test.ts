import { describe, expect, it } from "vitest";
import { messageBars } from "./data";

const day = (d: string, messages: number) => ({ day: d, messages, activeMembers: 0, joins: 0, leaves: 0 });

describe("group page data", () => {
  it("scales the messages-per-day bars to the busiest of the last days shown", () => {
    const days = [day("2026-11-01", 99), day("2026-11-02", 10), day("2026-11-03", 40), day("2026-11-04", 0)];
    expect(messageBars(days, 3)).toEqual([
      { day: "2026-11-02", label: "11-02", value: 10, ratio: 0.25 },
      { day: "2026-11-03", label: "11-03", value: 40, ratio: 1 },
      { day: "2026-11-04", label: "11-04", value: 0, ratio: 0 },
    ]);
    expect(messageBars([day("2026-11-05", 0)])).toEqual([{ day: "2026-11-05", label: "11-05", value: 0, ratio: 0 }]);
    expect(messageBars([])).toEqual([]);
  });
});
