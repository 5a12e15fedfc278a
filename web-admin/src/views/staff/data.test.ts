import { describe, expect, it } from "vitest";
import type { StaffView, StoreView } from "@/api/types";
import { filterStaff, storeFromQuery, storeNames } from "./data";

const member = (p: Partial<StaffView>): StaffView => ({
  id: 1,
  userid: "li.na",
  name: "李娜",
  kind: "guide",
  status: "active",
  customers: 10,
  storeIds: [1],
  ...p,
});
const stores: StoreView[] = [
  { id: 1, code: "S1", name: "静安店", city: "上海" },
  { id: 2, code: "S2", name: "徐汇店", city: "上海" },
];

describe("staff page", () => {
  const staff = [member({}), member({ id: 2, userid: "wang.fang", name: "王芳", storeIds: [2] })];

  it("filters by name, account and store", () => {
    expect(filterStaff(staff, { q: "", storeId: null })).toHaveLength(2);
    expect(filterStaff(staff, { q: "WANG", storeId: null }).map((s) => s.id)).toEqual([2]);
    expect(filterStaff(staff, { q: "李", storeId: null }).map((s) => s.id)).toEqual([1]);
    expect(filterStaff(staff, { q: "", storeId: 2 }).map((s) => s.id)).toEqual([2]);
    expect(filterStaff(staff, { q: "李", storeId: 2 })).toEqual([]);
  });

  it("names the visible stores of a member", () => {
    expect(storeNames(member({ storeIds: [2, 1] }), stores)).toBe("静安店、徐汇店");
    expect(storeNames(member({ storeIds: [9] }), stores)).toBe("—");
  });

  it("reads the store from the query", () => {
    expect(storeFromQuery("3")).toBe(3);
    expect(storeFromQuery(["4"])).toBe(4);
    expect(storeFromQuery("x")).toBeNull();
    expect(storeFromQuery(undefined)).toBeNull();
  });
});
