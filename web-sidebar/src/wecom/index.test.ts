import { describe, expect, it, vi } from "vitest";
import { createBridge } from "./index";

vi.mock("@wecom/jssdk", () => ({ register: vi.fn() }));

describe("createBridge", () => {
  it("uses the dev bridge in simulator mode", async () => {
    const bridge = await createBridge({ mode: "simulator", corpId: "", agentId: null }, { openStaffPicker: vi.fn() });
    expect(bridge.kind).toBe("dev");
  });

  it("uses the jssdk bridge in live mode", async () => {
    const bridge = await createBridge({ mode: "live", corpId: "ww1", agentId: 1 }, { openStaffPicker: vi.fn() });
    expect(bridge.kind).toBe("jssdk");
  });
});
