import * as ww from "@wecom/jssdk";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/http";
import * as sidebarApi from "@/api/sidebar";
import { createJssdkBridge } from "./jssdk-bridge";
import { toChatEntry, toSendChatMessage } from "./jssdk-mapping";

vi.mock("@wecom/jssdk", () => ({
  register: vi.fn(),
  getContext: vi.fn(),
  getCurExternalContact: vi.fn(),
  getCurExternalChat: vi.fn(),
  sendChatMessage: vi.fn(),
  openEnterpriseChat: vi.fn(),
}));
vi.mock("@/api/sidebar", () => ({ getMe: vi.fn(), getBootstrap: vi.fn() }));

const boot = { mode: "live" as const, corpId: "ww123", agentId: 1000002 };
const ok = { errMsg: "ok", errCode: 0 };

function fakeWindow() {
  const assign = vi.fn();
  const win = { location: { href: "https://x.test/sidebar/?a=1", assign }, sessionStorage } as unknown as Window;
  return { win, assign };
}

beforeEach(() => sessionStorage.clear());

describe("jssdk bridge", () => {
  it("registers corp and agent config with server signatures", async () => {
    await createJssdkBridge(boot, fakeWindow().win).register();
    const options = vi.mocked(ww.register).mock.calls[0]![0];
    expect(options).toMatchObject({ corpId: "ww123", agentId: 1000002 });
    expect(options.getConfigSignature).toBeTypeOf("function");
    expect(options.getAgentConfigSignature).toBeTypeOf("function");
  });

  it("redirects to OAuth when /me answers 401, once", async () => {
    vi.mocked(sidebarApi.getMe).mockRejectedValue(new ApiError(401, "unauthorized", "no session"));
    const { win, assign } = fakeWindow();
    const bridge = createJssdkBridge(boot, win);
    void bridge.signIn();
    await vi.waitFor(() => expect(assign).toHaveBeenCalledOnce());
    expect(assign.mock.calls[0]![0]).toBe(
      `/api/v1/sidebar/oauth/start?redirect=${encodeURIComponent("https://x.test/sidebar/?a=1")}`,
    );
    await expect(bridge.signIn()).rejects.toThrow(/OAuth/); // a second attempt right away is a loop
  });

  it("reads the external contact of a one-to-one chat", async () => {
    vi.mocked(ww.getContext).mockResolvedValue({ ...ok, entry: "single_chat_tools" as ww.EntryType });
    vi.mocked(ww.getCurExternalContact).mockResolvedValue({ ...ok, userId: "wmABC" });
    await expect(createJssdkBridge(boot).currentContext()).resolves.toEqual({
      entry: "single_chat_tools",
      externalUserId: "wmABC",
    });
  });

  it("turns jssdk failures into errors", async () => {
    vi.mocked(ww.sendChatMessage).mockRejectedValue({ errMsg: "sendChatMessage:fail no permission", errCode: 1 });
    await expect(createJssdkBridge(boot).sendMaterial({ type: "text", content: "hi" })).rejects.toThrow(
      /no permission/,
    );
  });

  it("maps entries and messages", () => {
    expect(toChatEntry("chat_attachment")).toBe("normal");
    expect(toSendChatMessage({ type: "image", mediaId: "m1" })).toEqual({ msgtype: "image", image: { mediaid: "m1" } });
  });

  it("opens a customer's chat with openEnterpriseChat", async () => {
    vi.mocked(ww.openEnterpriseChat).mockResolvedValue(ok as Awaited<ReturnType<typeof ww.openEnterpriseChat>>);
    await createJssdkBridge(boot).openChat("wmABC");
    expect(ww.openEnterpriseChat).toHaveBeenCalledWith({ externalUserIds: ["wmABC"], groupName: "" });
  });

  it("needs a WeCom media id to send a picture", () => {
    expect(() => toSendChatMessage({ type: "image", imgUrl: "https://x.test/a.png" })).toThrow(/media id/);
  });
});
