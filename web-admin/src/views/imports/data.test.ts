import { describe, expect, it } from "vitest";
import type { ImportJob } from "@/api/types";
import { importPercent, isFinished, progressStatus, resultCounts } from "./data";

const job = (patch: Partial<ImportJob>): ImportJob => ({
  id: 1,
  kind: "customers",
  source: "csv",
  filename: "c.csv",
  status: "running",
  totalRows: 0,
  processedRows: 0,
  inserted: 0,
  updated: 0,
  unchanged: 0,
  rejected: 0,
  actor: "admin",
  error: null,
  startedAt: "2026-01-01T00:00:00.000Z",
  finishedAt: null,
  ...patch,
});

describe("import progress", () => {
  it("is processed rows over total rows", () => {
    expect(importPercent(job({ totalRows: 3000, processedRows: 0 }))).toBe(0);
    expect(importPercent(job({ totalRows: 3000, processedRows: 1000 }))).toBe(33);
    expect(importPercent(job({ totalRows: 3000, processedRows: 3000, status: "done" }))).toBe(100);
    expect(importPercent(job({ totalRows: 10, processedRows: 12 }))).toBe(100);
  });

  it("handles a job without rows", () => {
    expect(importPercent(job({}))).toBe(0);
    expect(importPercent(job({ status: "done" }))).toBe(100);
    expect(importPercent(job({ status: "failed" }))).toBe(0);
  });

  it("knows when to stop polling and how to colour the bar", () => {
    expect(isFinished(job({}))).toBe(false);
    expect(isFinished(job({ status: "done" }))).toBe(true);
    expect(isFinished(job({ status: "failed" }))).toBe(true);
    expect(progressStatus(job({}))).toBeUndefined();
    expect(progressStatus(job({ status: "failed" }))).toBe("exception");
    expect(progressStatus(job({ status: "done" }))).toBe("success");
  });

  it("picks the result counters", () => {
    expect(resultCounts(job({ inserted: 5, updated: 2, unchanged: 1, rejected: 3 }))).toEqual({
      inserted: 5,
      updated: 2,
      unchanged: 1,
      rejected: 3,
    });
  });
});
