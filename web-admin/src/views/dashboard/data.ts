import type { DashboardSummary } from "@/api/types";
import type { MessageSchema } from "@/locales/zh-CN";
import { formatCents, formatCount } from "@/utils/format";

type StatKey = keyof MessageSchema["dashboard"]["stats"];
type HintKey = keyof MessageSchema["dashboard"]["hints"];

export interface StatCard {
  key: StatKey;
  /** data-test hook of the value element. */
  testId: string;
  value: (s: DashboardSummary) => string;
  /** Optional secondary line: i18n key under dashboard.hints and its count. */
  hint?: { key: HintKey; count: (s: DashboardSummary) => number };
}

// The stat cards of the dashboard, in display order.
export const statCards: StatCard[] = [
  {
    key: "customers",
    testId: "count-customers",
    value: (s) => formatCount(s.customers),
    hint: { key: "followRelations", count: (s) => s.followRelations },
  },
  { key: "orders", testId: "count-orders", value: (s) => formatCount(s.orders) },
  { key: "revenue", testId: "revenue", value: (s) => formatCents(s.revenueCents) },
  {
    key: "groups",
    testId: "count-groups",
    value: (s) => formatCount(s.groups),
    hint: { key: "groupMembers", count: (s) => s.groupMembers },
  },
  { key: "staff", testId: "count-staff", value: (s) => formatCount(s.staff) },
  { key: "stores", testId: "count-stores", value: (s) => formatCount(s.stores) },
];
