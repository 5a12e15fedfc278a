import { beforeEach, describe, expect, it, vi } from "vitest";
import * as devApi from "@/api/dev";
import { ApiError } from "@/api/http";
import { createDevBridge, DEV_CHAT_KEY, type DevBridgeDeps } from "./dev-bridge";
import { WecomError } from "./types";

vi.mock("@/api/dev", () => ({ devSendChatMessage: vi.fn(), getDevChats: vi.fn() }));

function memoryStorage() {
  const map = new Map<string, string>();
  return { map, getItem: (k: string) => map.get(k) ?? null, setItem: (k: string, v: string) => void map.set(k, v) };
}

function bridgeAt(search: string, over: Partial<DevBridgeDeps> = {}) {
  let query = search;
  const storage = memoryStorage();
  const bridge = createDevBridge({ openStaffPicker: vi.fn(), search: () => query, storage, ...over });
  return { bridge, storage, go: (q: string) => (query = q) };
}

beforeEach(() => vi.clearAllMocks());

describe("dev bridge", () => {
  it("signs in through the staff picker", async () => {
    const openStaffPicker = vi.fn(async () => {});
    await createDevBridge({ openStaffPicker, storage: memoryStorage() }).signIn();
    expect(openStaffPicker).toHaveBeenCalledOnce();
  });

  it("reads a simulated chat context from the query string", async () => {
    await expect(bridgeAt("?entry=single_chat_tools&externalUserId=wm1").bridge.currentContext()).resolves.toEqual({
      entry: "single_chat_tools",
      externalUserId: "wm1",
    });
    await expect(bridgeAt("?entry=group_chat_tools&chatId=wr1").bridge.currentContext()).resolves.toEqual({
      entry: "group_chat_tools",
      chatId: "wr1",
    });
    await expect(bridgeAt("?entry=bogus").bridge.currentContext()).resolves.toEqual({ entry: "normal" });
  });

  it("keeps the chat while the app navigates, until another one is picked", async () => {
    const { bridge, storage, go } = bridgeAt("?entry=single_chat_tools&externalUserId=wm1");
    await bridge.currentContext();
    go(""); // e.g. /customer/wm1 or /tasks: no chat in the URL
    await expect(bridge.currentContext()).resolves.toEqual({ entry: "single_chat_tools", externalUserId: "wm1" });
    go("?entry=group_chat_tools&chatId=wr2");
    await bridge.currentContext();
    go("");
    await expect(bridge.currentContext()).resolves.toEqual({ entry: "group_chat_tools", chatId: "wr2" });
    expect(JSON.parse(storage.map.get(DEV_CHAT_KEY)!)).toEqual({ entry: "group_chat_tools", chatId: "wr2" });
  });

  it("sends into the current chat through the server (recorded by the WeCom simulator)", async () => {
    vi.mocked(devApi.devSendChatMessage).mockResolvedValue({ sendid: "s1" });
    const single = bridgeAt("?entry=single_chat_tools&externalUserId=wm1").bridge;
    await single.sendMaterial({ type: "text", content: "您好" });
    expect(devApi.devSendChatMessage).toHaveBeenLastCalledWith(
      { externalUserid: "wm1" },
      { type: "text", content: "您好" },
    );
    expect(single.sent).toEqual([{ type: "text", content: "您好" }]);
    const group = bridgeAt("?entry=group_chat_tools&chatId=wr1").bridge;
    const news = { type: "news", title: "新品", desc: "", link: "https://x.test/a", imgUrl: "" } as const;
    await group.sendMaterial(news);
    expect(devApi.devSendChatMessage).toHaveBeenLastCalledWith({ chatId: "wr1" }, news);
  });

  it("fails like WeCom outside a chat or when the simulator refuses, and records nothing", async () => {
    const none = bridgeAt("?entry=normal").bridge;
    await expect(none.sendMaterial({ type: "text", content: "x" })).rejects.toBeInstanceOf(WecomError);
    expect(devApi.devSendChatMessage).not.toHaveBeenCalled();
    vi.mocked(devApi.devSendChatMessage).mockImplementation(async () => {
      throw new ApiError(409, "conflict", "WeCom refused the send: not external contact");
    });
    const single = bridgeAt("?entry=single_chat_tools&externalUserId=wm9").bridge;
    const error = await single.sendMaterial({ type: "text", content: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WecomError);
    expect((error as WecomError).message).toContain("not external contact");
    expect(single.sent).toEqual([]);
  });

  it("opens a customer's chat: switches the dev chat and shows the customer; picks a chat with the picker", async () => {
    const showCustomer = vi.fn(async () => {});
    const openChatPicker = vi.fn(async () => {});
    const { bridge } = bridgeAt("", { showCustomer, openChatPicker });
    await bridge.openChat("wm7");
    expect(showCustomer).toHaveBeenCalledWith("wm7");
    await expect(bridge.currentContext()).resolves.toEqual({ entry: "single_chat_tools", externalUserId: "wm7" });
    await bridge.pickChat!();
    expect(openChatPicker).toHaveBeenCalledOnce();
  });
});
