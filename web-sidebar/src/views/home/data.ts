import type { SidebarMe } from "@/api/types";
import type { MessageSchema } from "@/locales/zh-CN";

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
