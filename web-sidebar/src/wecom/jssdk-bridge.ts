import * as ww from "@wecom/jssdk";
import { ApiError } from "@/api/http";
import { getAgentSignature, getConfigSignature, oauthStartUrl } from "@/api/jssdk";
import { getMe } from "@/api/sidebar";
import type { SidebarBootstrap } from "@/api/types";
import { toChatEntry, toSendChatMessage, wecomCall } from "./jssdk-mapping";
import type { ChatContext, ChatMessage, WecomBridge } from "./types";
import { WecomError } from "./types";

const JS_API_LIST = [
  "getContext",
  "getCurExternalContact",
  "getCurExternalChat",
  "sendChatMessage",
  "openEnterpriseChat",
];
/** Remembers (per tab, not identity) when we last left for OAuth, to stop redirect loops. */
const OAUTH_MARK = "siyu.oauthStartedAt";
const OAUTH_RETRY_MS = 30_000;

/** The real bridge inside the WeCom client, over @wecom/jssdk. */
export function createJssdkBridge(boot: SidebarBootstrap, win: Window = window): WecomBridge {
  return {
    kind: "jssdk",

    async signIn(): Promise<void> {
      try {
        await getMe();
        return; // the session already exists
      } catch (error) {
        if (!(error instanceof ApiError) || error.status !== 401) throw error;
      }
      const last = Number(win.sessionStorage.getItem(OAUTH_MARK) ?? 0);
      if (Date.now() - last < OAUTH_RETRY_MS) throw new WecomError("OAuth sign-in did not create a session");
      win.sessionStorage.setItem(OAUTH_MARK, String(Date.now()));
      win.location.assign(oauthStartUrl(win.location.href));
      return new Promise<never>(() => {}); // the page is leaving
    },

    async register(): Promise<void> {
      win.sessionStorage.removeItem(OAUTH_MARK);
      // ww.register is synchronous; the SDK waits for the signatures before each API call.
      ww.register({
        corpId: boot.corpId,
        jsApiList: JS_API_LIST,
        getConfigSignature: (url) => getConfigSignature(url),
        ...(boot.agentId === null
          ? {}
          : { agentId: boot.agentId, getAgentConfigSignature: (url: string) => getAgentSignature(url) }),
      });
    },

    async currentContext(): Promise<ChatContext> {
      const { entry: raw } = await wecomCall(ww.getContext());
      const entry = toChatEntry(raw);
      if (entry === "group_chat_tools") {
        const { chatId } = await wecomCall(ww.getCurExternalChat());
        return { entry, chatId };
      }
      if (entry === "single_chat_tools" || entry === "contact_profile") {
        const { userId } = await wecomCall(ww.getCurExternalContact());
        return { entry, externalUserId: userId };
      }
      return { entry };
    },

    async sendMaterial(message: ChatMessage): Promise<void> {
      await wecomCall(ww.sendChatMessage(toSendChatMessage(message)));
    },

    async openChat(externalUserId: string): Promise<void> {
      await wecomCall(ww.openEnterpriseChat({ externalUserIds: [externalUserId], groupName: "" }));
    },
  };
}
