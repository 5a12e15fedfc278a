import type { LocationQueryRaw } from "vue-router";

export type DevChatPick = { externalUserid: string } | { chatId: string } | null;

/** Where the dev chat picker sends the sidebar: home, with the chat in the query the dev bridge reads. */
export function chatQuery(pick: DevChatPick): LocationQueryRaw {
  if (!pick) return { entry: "normal" };
  if ("chatId" in pick) return { entry: "group_chat_tools", chatId: pick.chatId };
  return { entry: "single_chat_tools", externalUserId: pick.externalUserid };
}
