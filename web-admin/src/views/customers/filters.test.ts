import { describe, expect, it } from "vitest";
import { customerQueryParams } from "@/api/customers";
import { emptyFilters, fromRouteQuery, toListQuery, toRouteQuery, type CustomerListState } from "./filters";

const state = (patch: Partial<CustomerListState["filters"]> = {}, rest: Partial<CustomerListState> = {}) => ({
  filters: { ...emptyFilters(), ...patch },
  page: 1,
  pageSize: 20,
  sort: "-id" as const,
  ...rest,
});

describe("customer filters", () => {
  it("builds the API query: yuan to cents, lists comma-joined, the tag mode picks the parameter", () => {
    const query = toListQuery(
      state({
        q: "  王 ",
        segment: ["important_value", "general_retain"],
        tagMode: "none",
        tags: [3, 4],
        owner: ["zhangsan"],
        r: [2, null],
        monetary: [99.99, 1000],
      }),
    );
    expect(customerQueryParams(query)).toEqual({
      q: "王",
      segment: "important_value,general_retain",
      tagsNone: "3,4",
      owner: "zhangsan",
      rMin: 2,
      monetaryMin: 9999,
      monetaryMax: 100000,
      page: 1,
      pageSize: 20,
      sort: "-id",
    });
  });

  it("puts a reversed range right instead of sending a query the server refuses", () => {
    const query = toListQuery(state({ recency: [90, 30], f: [5, 1] }));
    expect([query.recencyMin, query.recencyMax, query.fMin, query.fMax]).toEqual([30, 90, 1, 5]);
  });

  it("keeps the URL short: defaults and empty filters are left out", () => {
    expect(toRouteQuery(state())).toEqual({});
    expect(toRouteQuery(state({ lifecycle: ["silent"] }, { page: 3, pageSize: 50, sort: "monetary" }))).toEqual({
      lifecycle: "silent",
      page: "3",
      pageSize: "50",
      sort: "monetary",
    });
  });

  it("reads back what it wrote", () => {
    const original = state(
      {
        q: "138",
        segment: ["important_keep"],
        lifecycle: ["active", "new"],
        tagMode: "all",
        tags: [1, 2],
        store: [7],
        owner: ["lisi", "wangwu"],
        m: [3, 5],
        frequency: [2, 10],
        monetary: [0.5, null],
      },
      { page: 2, sort: "-recency" },
    );
    expect(fromRouteQuery(toRouteQuery(original))).toEqual(original);
  });

  it("drops what the API would refuse from a hand-made link", () => {
    const parsed = fromRouteQuery({
      segment: "important_value,vip",
      lifecycle: ["silent", "x"],
      store: "1,abc,-2",
      rMin: "0",
      rMax: "9",
      recencyMin: "-3",
      frequencyMax: "1.5",
      page: "0",
      pageSize: "1000",
      sort: "random",
    });
    expect(parsed.filters.segment).toEqual(["important_value"]);
    expect(parsed.filters.lifecycle).toEqual(["silent"]);
    expect(parsed.filters.store).toEqual([1]);
    expect(parsed.filters.r).toEqual([null, null]);
    expect(parsed.filters.recency).toEqual([null, null]);
    expect(parsed.filters.frequency).toEqual([null, null]);
    expect([parsed.page, parsed.pageSize, parsed.sort]).toEqual([1, 20, "-id"]);
  });

  it("takes the first tag mode present in a link", () => {
    const parsed = fromRouteQuery({ tagsAll: "5", tagsNone: "6" });
    expect([parsed.filters.tagMode, parsed.filters.tags]).toEqual(["all", [5]]);
  });

  it("keeps the dashboard's day ranges from a link, dropping malformed days", () => {
    const parsed = fromRouteQuery({ addedFrom: "2026-11-01", addedTo: "yesterday", boughtTo: "2026-11-07" });
    expect([parsed.filters.added, parsed.filters.bought]).toEqual([
      ["2026-11-01", null],
      [null, "2026-11-07"],
    ]);
    expect(toRouteQuery(parsed)).toEqual({ addedFrom: "2026-11-01", boughtTo: "2026-11-07" });
  });
});
