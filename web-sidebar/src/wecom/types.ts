import type { InjectionKey } from "vue";

/** Where the sidebar was opened from. Other WeCom entries are reported as "normal". */
export type ChatEntry = "single_chat_tools" | "group_chat_tools" | "contact_profile" | "normal";

export interface ChatContext {
  entry: ChatEntry;
  /** The external contact of a one-to-one chat or profile page. */
  externalUserId?: string;
  /** The customer group of a group chat toolbar. */
  chatId?: string;
}

/** A material the staff member sends into the current chat. */
export type ChatMessage =
  | { type: "text"; content: string }
  | { type: "image"; mediaId?: string; imgUrl?: string }
  | { type: "news"; title: string; desc: string; link: string; imgUrl: string }
  | { type: "miniprogram"; appid: string; title: string; imgUrl: string; page: string };

/** The only way pages talk to WeCom. Implementations: jssdk-bridge (live) and dev-bridge (simulator). */
export interface WecomBridge {
  readonly kind: "jssdk" | "dev";
  /** Get a server session: WeCom OAuth (jssdk) or the staff picker (dev). */
  signIn(): Promise<void>;
  /** Configure the client side once a session exists (jssdk: ww.register). */
  register(): Promise<void>;
  currentContext(): Promise<ChatContext>;
  sendMaterial(message: ChatMessage): Promise<void>;
  /** Open the one-to-one chat with a customer (jssdk: ww.openEnterpriseChat; dev: switch the dev chat and show the customer). */
  openChat(externalUserId: string): Promise<void>;
  /** Let the user choose the chat the sidebar is in, where that is possible (dev: the chat picker); absent in WeCom. */
  pickChat?(): Promise<void>;
}

export const WECOM_BRIDGE: InjectionKey<WecomBridge> = Symbol("wecom-bridge");

/** A failed WeCom client call, carrying the client's errMsg. */
export class WecomError extends Error {
  readonly errCode: number | null;

  constructor(message: string, errCode: number | null = null) {
    super(message);
    this.name = "WecomError";
    this.errCode = errCode;
  }
}
