import { devSendChatMessage } from "@/api/dev";
import { ApiError } from "@/api/http";
import type { ChatContext, ChatEntry, ChatMessage, WecomBridge } from "./types";
import { WecomError } from "./types";

export interface DevBridgeDeps {
  /** Show the staff picker (the app routes to /dev-login). */
  openStaffPicker: () => Promise<void>;
  /** Show the chat picker (the app routes to /dev-chat). */
  openChatPicker?: () => Promise<void>;
  /** Show a customer's page after openChat switched the dev chat to them. */
  showCustomer?: (externalUserId: string) => Promise<void>;
  /** Query string to read a simulated chat context from; defaults to the page's. */
  search?: () => string;
  /** Where the dev chat survives in-app navigation; defaults to sessionStorage. */
  storage?: Pick<Storage, "getItem" | "setItem">;
}

export interface DevBridge extends WecomBridge {
  readonly kind: "dev";
  /** Materials sent so far (and recorded by the WeCom simulator), newest last. */
  readonly sent: readonly ChatMessage[];
}

const ENTRIES: readonly ChatEntry[] = ["single_chat_tools", "group_chat_tools", "contact_profile", "normal"];
export const DEV_CHAT_KEY = "siyu.devChat";

function parseContext(params: URLSearchParams): ChatContext {
  const entry = ENTRIES.find((e) => e === params.get("entry")) ?? "normal";
  const context: ChatContext = { entry };
  const externalUserId = params.get("externalUserId");
  const chatId = params.get("chatId");
  if (externalUserId && entry !== "group_chat_tools") context.externalUserId = externalUserId;
  if (chatId && entry === "group_chat_tools") context.chatId = chatId;
  return context;
}

function defaultStorage(): Pick<Storage, "getItem" | "setItem"> | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null;
  }
}

/**
 * Browser stand-in for WeCom in simulator mode. The chat comes from the URL, e.g.
 * /sidebar/?entry=single_chat_tools&externalUserId=wmABC or ?entry=group_chat_tools&chatId=wrXYZ
 * (what the dev chat picker navigates to), and is kept for the tab until another one is chosen.
 * Sends go to the server, which records them in the WeCom simulator.
 */
export function createDevBridge(deps: DevBridgeDeps): DevBridge {
  const sent: ChatMessage[] = [];
  const search = deps.search ?? (() => window.location.search);
  const storage = deps.storage ?? defaultStorage();

  function remember(context: ChatContext): ChatContext {
    storage?.setItem(DEV_CHAT_KEY, JSON.stringify(context));
    return context;
  }

  function stored(): ChatContext | null {
    try {
      const raw = storage?.getItem(DEV_CHAT_KEY);
      const value = raw ? (JSON.parse(raw) as ChatContext) : null;
      return value && ENTRIES.includes(value.entry) ? value : null;
    } catch {
      return null;
    }
  }

  async function currentContext(): Promise<ChatContext> {
    const params = new URLSearchParams(search());
    if (params.has("entry")) return remember(parseContext(params));
    return stored() ?? { entry: "normal" };
  }

  return {
    kind: "dev",
    sent,
    signIn: () => deps.openStaffPicker(),
    register: async () => {},
    currentContext,
    async sendMaterial(message: ChatMessage): Promise<void> {
      const context = await currentContext();
      const to = context.chatId ? { chatId: context.chatId } : { externalUserid: context.externalUserId };
      if (!to.chatId && !to.externalUserid)
        throw new WecomError("sendChatMessage:fail without context of external contact");
      try {
        await devSendChatMessage(to, message);
      } catch (error) {
        if (error instanceof ApiError) throw new WecomError(`sendChatMessage:fail ${error.message}`, error.status);
        throw error;
      }
      sent.push(message);
    },
    async openChat(externalUserId: string): Promise<void> {
      remember({ entry: "single_chat_tools", externalUserId });
      await deps.showCustomer?.(externalUserId);
    },
    async pickChat(): Promise<void> {
      await deps.openChatPicker?.();
    },
  };
}
