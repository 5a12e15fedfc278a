import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/http";
import type { PendingTarget } from "@/api/types";
import * as workApi from "@/api/work";
import type { WecomBridge } from "@/wecom/types";
import { WecomError } from "@/wecom/types";
import { useTargetActions } from "./useTargetActions";

vi.mock("@/api/work", () => ({ markTargetSent: vi.fn(), skipTarget: vi.fn() }));

const target: PendingTarget = {
  targetId: 7,
  taskId: 3,
  campaignId: 1,
  campaign: "双11",
  channel: "private_chat",
  dueAt: null,
  materials: [
    { materialId: 11, title: "问候", content: { type: "text", text: "张姐您好" } },
    {
      materialId: 12,
      title: "新品",
      content: { type: "link", title: "新品", url: "https://shop.test/n", picUrl: "/uploads/ab.png", text: "看看" },
    },
  ],
};

function fakeBridge(send = vi.fn(async () => {})): WecomBridge {
  return {
    kind: "dev",
    signIn: vi.fn(),
    register: vi.fn(),
    currentContext: vi.fn(),
    sendMaterial: send,
    openChat: vi.fn(),
  };
}

beforeEach(() => {
  vi.mocked(workApi.markTargetSent).mockReset().mockResolvedValue(undefined);
  vi.mocked(workApi.skipTarget).mockReset().mockResolvedValue(undefined);
});

describe("useTargetActions", () => {
  it("sends every material through the bridge, then marks the target sent", async () => {
    const bridge = fakeBridge();
    const actions = useTargetActions(bridge, "https://siyu.test");
    const done = vi.fn();
    await expect(actions.send(target, done)).resolves.toBe(true);
    expect(vi.mocked(bridge.sendMaterial).mock.calls.map((c) => c[0])).toEqual([
      { type: "text", content: "张姐您好" },
      { type: "text", content: "看看" },
      {
        type: "news",
        title: "新品",
        desc: "",
        link: "https://shop.test/n",
        imgUrl: "https://siyu.test/uploads/ab.png",
      },
    ]);
    expect(workApi.markTargetSent).toHaveBeenCalledWith(7, [11, 12]);
    expect(actions.stateOf(7)).toEqual({ phase: "sent", error: null });
    expect(done).toHaveBeenCalledOnce();
  });

  it("leaves the target pending and says why when WeCom refuses", async () => {
    const bridge = fakeBridge(vi.fn(async () => Promise.reject(new WecomError("sendChatMessage:fail no permission"))));
    const actions = useTargetActions(bridge, "https://siyu.test");
    await expect(actions.send(target)).resolves.toBe(false);
    expect(actions.stateOf(7)).toEqual({ phase: "failed", error: "sendChatMessage:fail no permission" });
    expect(workApi.markTargetSent).not.toHaveBeenCalled();
  });

  it("records again without sending again when only the recording failed", async () => {
    const bridge = fakeBridge();
    vi.mocked(workApi.markTargetSent).mockRejectedValueOnce(new ApiError(0, "network_error", "offline"));
    const actions = useTargetActions(bridge, "https://siyu.test");
    await actions.send(target);
    expect(actions.stateOf(7)).toEqual({ phase: "unrecorded", error: "offline" });
    expect(bridge.sendMaterial).toHaveBeenCalledTimes(3);
    await expect(actions.send(target)).resolves.toBe(true);
    expect(bridge.sendMaterial).toHaveBeenCalledTimes(3);
    expect(workApi.markTargetSent).toHaveBeenCalledTimes(2);
  });

  it("skips with the reason, and keeps the target when the server refuses", async () => {
    const actions = useTargetActions(fakeBridge(), "https://siyu.test");
    vi.mocked(workApi.skipTarget).mockRejectedValueOnce(new ApiError(409, "conflict", "already sent"));
    await expect(actions.skip(target, " 客户已购买 ")).resolves.toBe(false);
    expect(actions.stateOf(7)).toEqual({ phase: "idle", error: "already sent" });
    await expect(actions.skip(target, " 客户已购买 ")).resolves.toBe(true);
    expect(workApi.skipTarget).toHaveBeenLastCalledWith(7, "客户已购买");
    expect(actions.stateOf(7).phase).toBe("skipped");
  });
});
