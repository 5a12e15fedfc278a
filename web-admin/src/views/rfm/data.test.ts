import { describe, expect, it } from "vitest";
import { fieldErrors, fromForm, heatmapData, toForm } from "./data";

const settings = {
  method: "quantile" as const,
  windowDays: 365,
  recency: [30, 60, 120, 240],
  frequency: [1, 2, 4, 8],
  monetary: [10000, 50000, 100000, 300000],
  newDays: 30,
  activeDays: 90,
  churnDays: 180,
  groupActiveDays: 7,
  groupSilentDays: 30,
  schedule: "0 2 * * *",
};

describe("RFM page data", () => {
  it("edits monetary break points in yuan and saves cents, without float drift", () => {
    expect(toForm(settings).monetary).toEqual([100, 500, 1000, 3000]);
    expect(fromForm({ ...toForm(settings), monetary: [100.1, 500.07, 1000, 3000] }).monetary).toEqual([
      10010, 50007, 100000, 300000,
    ]);
  });
  it("puts each server error on its field", () => {
    expect(
      fieldErrors([
        { field: "monetary.2", reason: "must be strictly ascending" },
        { field: "activeDays", reason: "must be less than churnDays" },
      ]),
    ).toEqual({
      monetary: "monetary.2: must be strictly ascending",
      activeDays: "must be less than churnDays",
    });
  });
  it("lays transitions out as heat-map cells, with unscored customers in the last row", () => {
    const { axis, data } = heatmapData(
      ["a", "b"],
      [
        { from: "a", to: "b", count: 3 },
        { from: null, to: "a", count: 2 },
        { from: "x", to: "a", count: 9 },
      ],
    );
    expect(axis).toEqual(["a", "b", "—"]);
    expect(data).toEqual([
      [1, 0, 3],
      [0, 2, 2],
    ]);
  });
});
