import { describe, expect, it } from "vitest";
import type { SyncRunView } from "@/api/types";
import { phasePercent } from "./data";

const run = (status: SyncRunView["status"], phase: SyncRunView["phase"]) => ({ status, phase }) as SyncRunView;

describe("sync progress", () => {
  it("moves with the phases and is full when done", () => {
    expect(phasePercent(null)).toBe(0);
    expect(phasePercent(run("running", "staff"))).toBe(0);
    expect(phasePercent(run("running", "customers"))).toBe(20);
    expect(phasePercent(run("running", "groups"))).toBe(60);
    expect(phasePercent(run("done", "finish"))).toBe(100);
    expect(phasePercent(run("failed", "tags"))).toBe(40);
  });
});
