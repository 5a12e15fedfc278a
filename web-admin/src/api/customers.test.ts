import { afterEach, describe, expect, it, vi } from "vitest";
import { addCustomerTag, customerQueryParams, customersExportUrl, listCustomers, removeCustomerTag } from "./customers";
import type { CustomerListQuery } from "./types";

afterEach(() => vi.unstubAllGlobals());

function answer(status: number, body?: unknown) {
  const fn = vi.fn(async () => new Response(body === undefined ? null : JSON.stringify(body), { status }));
  vi.stubGlobal("fetch", fn);
  return fn;
}

describe("customers API", () => {
  it("joins lists with commas and leaves out empty values", () => {
    expect(
      customerQueryParams({ q: "", segment: [], tagsAny: [1, 2], owner: ["a"], rMin: 0, monetaryMax: undefined }),
    ).toEqual({ tagsAny: "1,2", owner: "a", rMin: 0 });
  });

  it("lists customers with the query in the URL", async () => {
    const fetchMock = answer(200, { items: [], page: 1, pageSize: 20, total: 0 });
    await listCustomers({ lifecycle: ["silent", "churned"], page: 2 });
    expect((fetchMock.mock.calls[0] as unknown as [string])[0]).toBe(
      "/api/v1/customers?lifecycle=silent%2Cchurned&page=2",
    );
  });

  it("adds and removes a manual tag", async () => {
    const fetchMock = answer(204);
    await addCustomerTag(5, 9);
    await removeCustomerTag(5, 9);
    const calls = fetchMock.mock.calls as unknown as [string, RequestInit][];
    expect(calls.map(([url, init]) => [init.method, url, init.body])).toEqual([
      ["POST", "/api/v1/customers/5/tags", '{"tagId":9}'],
      ["DELETE", "/api/v1/customers/5/tags/9", undefined],
    ]);
  });
});

describe("customersExportUrl", () => {
  it("carries the filter and sort but not the page", () => {
    const url = customersExportUrl({
      page: 3,
      pageSize: 50,
      segment: ["important_value", "general_keep"],
      rMin: 4,
      sort: "-monetary",
    } as CustomerListQuery);
    expect(url).toBe("/api/v1/customers/export.csv?segment=important_value%2Cgeneral_keep&rMin=4&sort=-monetary");
  });
});
