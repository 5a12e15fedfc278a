// Pure translations between our bridge types and @wecom/jssdk's (type-only import: no SDK code here).
import type { SendChatMessage } from "@wecom/jssdk";
import type { ChatEntry, ChatMessage } from "./types";
import { WecomError } from "./types";

/** WeCom entries we act on; the rest (chat_attachment, kf, chain...) count as "normal" for now. */
export function toChatEntry(raw: string): ChatEntry {
  switch (raw) {
    case "single_chat_tools":
    case "group_chat_tools":
    case "contact_profile":
      return raw;
    default:
      return "normal";
  }
}

export function toSendChatMessage(message: ChatMessage): SendChatMessage {
  switch (message.type) {
    case "text":
      return { msgtype: "text", text: { content: message.content } };
    case "image":
      // sendChatMessage takes only a WeCom media id for pictures (no URL): one must be uploaded first.
      if (!message.mediaId) throw new WecomError("sendChatMessage:fail image needs a WeCom media id");
      return { msgtype: "image", image: { mediaid: message.mediaId } };
    case "news":
      return {
        msgtype: "news",
        news: { link: message.link, title: message.title, desc: message.desc, imgUrl: message.imgUrl },
      };
    case "miniprogram":
      return {
        msgtype: "miniprogram",
        miniprogram: { appid: message.appid, title: message.title, imgUrl: message.imgUrl, page: message.page },
      };
  }
}

/** jssdk rejects with a plain { errMsg, errCode } object; turn it into a WecomError. */
export async function wecomCall<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof Error) throw error;
    const result = (error ?? {}) as { errMsg?: unknown; errCode?: unknown };
    const message = typeof result.errMsg === "string" ? result.errMsg : "WeCom call failed";
    throw new WecomError(message, typeof result.errCode === "number" ? result.errCode : null);
  }
}
