import { createPinia } from "pinia";
import { describe, expect, it, vi } from "vitest";
import { ApiError } from "./api/http";
import * as sidebarApi from "./api/sidebar";
import { bootSidebar } from "./boot";
import { sampleMe } from "./api/fixtures";

vi.mock("./api/sidebar", () => ({ getBootstrap: vi.fn(), getMe: vi.fn() }));

describe("bootSidebar", () => {
  it("runs bootstrap, session, then register in simulator mode", async () => {
    vi.mocked(sidebarApi.getBootstrap).mockResolvedValue({ mode: "simulator", corpId: "", agentId: null });
    vi.mocked(sidebarApi.getMe).mockResolvedValue(sampleMe);
    const openStaffPicker = vi.fn(async () => {});
    const result = await bootSidebar(createPinia(), { openStaffPicker });
    expect(result.bridge.kind).toBe("dev");
    expect(result.signedIn).toBe(true);
    expect(openStaffPicker).not.toHaveBeenCalled();
  });

  it("opens the staff picker when there is no session", async () => {
    vi.mocked(sidebarApi.getBootstrap).mockResolvedValue({ mode: "simulator", corpId: "", agentId: null });
    vi.mocked(sidebarApi.getMe).mockRejectedValue(new ApiError(401, "unauthorized", "no session"));
    const openStaffPicker = vi.fn(async () => {});
    const result = await bootSidebar(createPinia(), { openStaffPicker });
    expect(result.signedIn).toBe(false);
    expect(openStaffPicker).toHaveBeenCalledOnce();
  });
});
