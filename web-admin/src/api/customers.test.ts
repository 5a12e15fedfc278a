import { afterEach, describe, expect, it, vi } from "vitest";
import { addCustomerTag, customerQueryParams, listCustomers, removeCustomerTag } from "./customers";

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
