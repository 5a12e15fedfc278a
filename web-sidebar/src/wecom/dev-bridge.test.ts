import { describe, expect, it, vi } from "vitest";
import { createDevBridge } from "./dev-bridge";

describe("dev bridge", () => {
  it("signs in through the staff picker", async () => {
    const openStaffPicker = vi.fn(async () => {});
    await createDevBridge({ openStaffPicker }).signIn();
    expect(openStaffPicker).toHaveBeenCalledOnce();
  });

  it("reads a simulated chat context from the query string", async () => {
    const single = createDevBridge({
      openStaffPicker: vi.fn(),
      search: () => "?entry=single_chat_tools&externalUserId=wm1",
    });
    await expect(single.currentContext()).resolves.toEqual({ entry: "single_chat_tools", externalUserId: "wm1" });
    const group = createDevBridge({ openStaffPicker: vi.fn(), search: () => "?entry=group_chat_tools&chatId=wr1" });
    await expect(group.currentContext()).resolves.toEqual({ entry: "group_chat_tools", chatId: "wr1" });
    const other = createDevBridge({ openStaffPicker: vi.fn(), search: () => "?entry=bogus" });
    await expect(other.currentContext()).resolves.toEqual({ entry: "normal" });
  });

  it("records sent materials", async () => {
    vi.spyOn(console, "info").mockImplementation(() => {});
    const bridge = createDevBridge({ openStaffPicker: vi.fn() });
    await bridge.sendMaterial({ type: "text", content: "您好" });
    expect(bridge.sent).toEqual([{ type: "text", content: "您好" }]);
  });
});
