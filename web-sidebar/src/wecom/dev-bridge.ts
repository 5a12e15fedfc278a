import type { ChatContext, ChatEntry, ChatMessage, WecomBridge } from "./types";

export interface DevBridgeDeps {
  /** Show the staff picker (the app routes to /dev-login). */
  openStaffPicker: () => Promise<void>;
  /** Query string to read a simulated chat context from; defaults to the page's. */
  search?: () => string;
}

export interface DevBridge extends WecomBridge {
  readonly kind: "dev";
  /** Materials "sent" so far, newest last (for the simulator and tests). */
  readonly sent: readonly ChatMessage[];
}

const ENTRIES: readonly ChatEntry[] = ["single_chat_tools", "group_chat_tools", "contact_profile", "normal"];

/**
 * Browser stand-in for WeCom in simulator mode. The chat context comes from the URL, e.g.
 * /sidebar/?entry=single_chat_tools&externalUserId=wmABC or ?entry=group_chat_tools&chatId=wrXYZ.
 */
export function createDevBridge(deps: DevBridgeDeps): DevBridge {
  const sent: ChatMessage[] = [];
  const search = deps.search ?? (() => window.location.search);

  return {
    kind: "dev",
    sent,
    signIn: () => deps.openStaffPicker(),
    register: async () => {},
    async currentContext(): Promise<ChatContext> {
      const params = new URLSearchParams(search());
      const entry = ENTRIES.find((e) => e === params.get("entry")) ?? "normal";
      const context: ChatContext = { entry };
      const externalUserId = params.get("externalUserId");
      const chatId = params.get("chatId");
      if (externalUserId && entry !== "group_chat_tools") context.externalUserId = externalUserId;
      if (chatId && entry === "group_chat_tools") context.chatId = chatId;
      return context;
    },
    async sendMaterial(message: ChatMessage): Promise<void> {
      sent.push(message);
      console.info("[dev-bridge] sendMaterial", message);
    },
  };
}
