import { beforeEach, describe, expect, it, vi } from "vitest";
import * as workApi from "@/api/work";
import type { WecomBridge } from "@/wecom/types";
import { chatQuery } from "../dev-chat/data";
import { canSendTo, hasVariables, sendMaterialToChat } from "./data";

vi.mock("@/api/work", () => ({ renderMaterial: vi.fn(), searchMaterials: vi.fn() }));

function bridgeIn(context: Awaited<ReturnType<WecomBridge["currentContext"]>>): WecomBridge {
  return {
    kind: "dev",
    signIn: vi.fn(),
    register: vi.fn(),
    currentContext: vi.fn(async () => context),
    sendMaterial: vi.fn(async () => {}),
    openChat: vi.fn(),
  };
}

beforeEach(() => vi.clearAllMocks());

describe("material search", () => {
  it("sends a material rendered for the customer of the current chat", async () => {
    vi.mocked(workApi.renderMaterial).mockResolvedValue({ content: { type: "text", text: "张姐您好" } });
    const bridge = bridgeIn({ entry: "single_chat_tools", externalUserId: "wm1" });
    await sendMaterialToChat(bridge, 5, "https://siyu.test");
    expect(workApi.renderMaterial).toHaveBeenCalledWith(5, "wm1");
    expect(bridge.sendMaterial).toHaveBeenCalledWith({ type: "text", content: "张姐您好" });
  });

  it("refuses outside a chat, without rendering or sending", async () => {
    const bridge = bridgeIn({ entry: "normal" });
    await expect(sendMaterialToChat(bridge, 5, "https://siyu.test")).rejects.toThrow(/not in a chat/);
    expect(workApi.renderMaterial).not.toHaveBeenCalled();
    expect(canSendTo({ entry: "group_chat_tools", chatId: "wr1" })).toBe(true);
    expect(canSendTo(null)).toBe(false);
  });

  it("knows which materials have variables to fill in", () => {
    expect(hasVariables({ type: "text", text: "{{customer.name}}您好" })).toBe(true);
    expect(hasVariables({ type: "link", title: "新品", url: "https://x.test" })).toBe(false);
  });
});

describe("dev chat picker", () => {
  it("puts the picked chat in the query the dev bridge reads", () => {
    expect(chatQuery({ externalUserid: "wm1" })).toEqual({ entry: "single_chat_tools", externalUserId: "wm1" });
    expect(chatQuery({ chatId: "wr1" })).toEqual({ entry: "group_chat_tools", chatId: "wr1" });
    expect(chatQuery(null)).toEqual({ entry: "normal" });
  });
});
