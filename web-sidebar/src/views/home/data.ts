import type { SidebarMe } from "@/api/types";
import type { RouteLocationRaw } from "vue-router";
import type { MessageSchema } from "@/locales/zh-CN";
import type { ChatContext } from "@/wecom/types";

export interface StatItem {
  key: keyof MessageSchema["home"]["stats"];
  /** data-test hook of the number. */
  testId: string;
  value: (me: SidebarMe) => number;
}

// The numbers on the home page, in display order.
export const statItems: StatItem[] = [
  { key: "customers", testId: "customer-count", value: (me) => me.customerCount },
  { key: "groups", testId: "group-count", value: (me) => me.groupCount },
  { key: "openTasks", testId: "open-task-count", value: (me) => me.openTaskCount },
];

/** Where the sidebar opens for a chat: the customer of a one-to-one chat or profile, or the group. */
export function routeForContext(context: ChatContext): RouteLocationRaw | null {
  if ((context.entry === "single_chat_tools" || context.entry === "contact_profile") && context.externalUserId)
    return { name: "customer", params: { externalUserId: context.externalUserId } };
  if (context.entry === "group_chat_tools" && context.chatId)
    return { name: "group", params: { chatId: context.chatId } };
  return null;
}
