import { afterEach, describe, expect, it, vi } from "vitest";
import { getImport, importErrorReportUrl, unwrapJob, uploadImport } from "./imports";
import type { ImportJob } from "./types";

const job = { id: 7, kind: "orders", status: "running", totalRows: 10, processedRows: 0 } as ImportJob;

function answer(status: number, body: unknown) {
  const fn = vi.fn(async () => new Response(JSON.stringify(body), { status }));
  vi.stubGlobal("fetch", fn);
  return fn;
}

afterEach(() => vi.unstubAllGlobals());

describe("imports API", () => {
  it("accepts the job wrapped or bare", async () => {
    expect(unwrapJob({ job })).toBe(job);
    expect(unwrapJob(job)).toBe(job);
    answer(200, job);
    await expect(getImport(7)).resolves.toEqual(job);
    answer(200, { job, errors: [], errorCount: 0 });
    await expect(getImport(7)).resolves.toEqual(job);
  });

  it("sends the file itself as text/csv with its name in the query", async () => {
    const fetchMock = answer(202, { job });
    const file = new File(["order_no\n"], "订单 5月.csv", { type: "" });
    await expect(uploadImport("orders", file)).resolves.toEqual(job);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe(`/api/v1/imports/orders?filename=${encodeURIComponent("订单 5月.csv").replace(/%20/g, "+")}`);
    expect(init.body).toBe(file);
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("text/csv");
  });

  it("reports a refused file with the server's message", async () => {
    answer(400, { error: { code: "validation_failed", message: "c.csv was refused: wrong header", details: {} } });
    await expect(uploadImport("customers", new File(["x"], "c.csv"))).rejects.toMatchObject({
      status: 400,
      message: "c.csv was refused: wrong header",
    });
  });

  it("links the error report", () => {
    expect(importErrorReportUrl(12)).toBe("/api/v1/imports/12/errors.csv");
  });
});
