import { describe, expect, it } from "vitest";
import type { CustomerListItem } from "@/api/types";
import { emptyFilters } from "./filters";
import {
  CUSTOMER_COLUMNS,
  advancedCount,
  historyValueKey,
  isManualTag,
  segmentTagType,
  sortFromTable,
  tableSort,
} from "./data";

const row = {
  frequency: 1234,
  monetaryCents: 123456,
  lastPaidAt: null,
} as CustomerListItem;

describe("customer table", () => {
  it("formats the plain columns", () => {
    const text = (key: string, r: CustomerListItem) => CUSTOMER_COLUMNS.find((c) => c.key === key)!.text!(r);
    expect(text("frequency", row)).toBe("1,234");
    expect(text("monetary", row)).toBe("¥1,234.56");
    expect(text("lastPaid", row)).toBe("—");
    expect(text("monetary", { ...row, monetaryCents: null })).toBe("—");
  });

  it("maps table sorting to the API's sort and back", () => {
    expect(sortFromTable("monetary", "descending", "-id")).toBe("-monetary");
    expect(sortFromTable("recency", "ascending", "-id")).toBe("recency");
    expect(sortFromTable("name", "descending", "-id")).toBe("name");
    expect(sortFromTable("monetary", null, "-id")).toBe("-id");
    expect(sortFromTable("tags", "ascending", "-id")).toBe("-id");
    expect(tableSort("-frequency")).toEqual({ prop: "frequency", order: "descending" });
    expect(tableSort("-id")).toBeUndefined();
  });

  it("lets only manual tags be changed by hand", () => {
    expect(isManualTag({ source: "manual" })).toBe(true);
    expect(isManualTag({ source: "rfm" })).toBe(false);
    expect(isManualTag({ source: "wecom" })).toBe(false);
  });

  it("names segment and lifecycle values in the tag history", () => {
    expect(historyValueKey("segment", "important_keep")).toBe("customers.segments.important_keep");
    expect(historyValueKey("lifecycle", "silent")).toBe("customers.lifecycles.silent");
    expect(historyValueKey("segment", "legacy_value")).toBeNull();
    expect(historyValueKey("tag_added", "VIP")).toBeNull();
  });

  it("colours segments by importance", () => {
    expect(segmentTagType("important_value")).toBe("danger");
    expect(segmentTagType("important_retain")).toBe("warning");
    expect(segmentTagType("general_keep")).toBe("info");
  });
});

describe("filter bar", () => {
  it('counts the filters set behind "more filters"', () => {
    expect(advancedCount(emptyFilters())).toBe(0);
    expect(advancedCount({ ...emptyFilters(), q: "x", segment: ["important_value"] })).toBe(0);
    expect(advancedCount({ ...emptyFilters(), store: [1], r: [null, 3], monetary: [10, null] })).toBe(3);
  });
});
