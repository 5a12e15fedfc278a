import { z } from "zod";
import { queryList } from "../../http/query-list.ts";

const list = queryList;

export const HEALTH_BANDS = ["good", "fair", "poor", "none"] as const;
export const GROUP_SORTS = [
  "name",
  "-name",
  "members",
  "-members",
  "active7d",
  "-active7d",
  "active30d",
  "-active30d",
  "messages7d",
  "-messages7d",
  "messages30d",
  "-messages30d",
  "health",
  "-health",
  "alerts",
  "-alerts",
] as const;
export const ALERT_KINDS = ["no_messages_7d", "member_loss_5pct"] as const;

export const groupListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(20),
  q: z.string().trim().max(64).optional(),
  status: z.enum(["active", "dismissed", "all"]).default("active"),
  store: list(z.coerce.number().int().positive("must be positive ids")).optional(),
  owner: list(z.string().min(1).max(64)).optional(),
  health: list(z.enum(HEALTH_BANDS)).optional(),
  /** `open`: any open alert; or one alert kind (open) */
  alert: z.enum(["open", ...ALERT_KINDS]).optional(),
  sort: z.enum(GROUP_SORTS).default("name"),
});
export type GroupListQuery = z.infer<typeof groupListQuery>;

export const groupParams = z.object({ id: z.coerce.number().int().positive() });

export const alertListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(20),
  status: z.enum(["open", "resolved", "all"]).default("open"),
  kind: z.enum(ALERT_KINDS).optional(),
  groupId: z.coerce.number().int().positive().optional(),
});
export type AlertListQuery = z.infer<typeof alertListQuery>;

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be YYYY-MM-DD");
export const wecomStatsQuery = z
  .object({
    owner: list(z.string().min(1).max(64)).optional(),
    from: day.optional(),
    to: day.optional(),
  })
  .refine((v) => !v.from || !v.to || v.from <= v.to, { path: ["from"], message: "must not be after to" });
export type WecomStatsQuery = z.infer<typeof wecomStatsQuery>;

// ---- response shapes (shared with the admin center, imported type-only) ----

export type HealthBand = "good" | "fair" | "poor";

export interface GroupHealthView {
  score: number;
  band: HealthBand;
  activity: number;
  growth: number;
  churn: number;
  members7dAgo: number;
  members30dAgo: number;
  joins30d: number;
  leaves7d: number;
  leaves30d: number;
  computedAt: string;
}

export interface GroupOwnerView {
  userid: string;
  staffId: number | null;
  name: string | null;
}

export interface GroupListItem {
  id: number;
  chatId: string;
  name: string;
  status: "active" | "dismissed";
  owner: GroupOwnerView;
  /** the bot's figures (source 'bot') */
  members: number;
  activeMembers7d: number;
  activeMembers30d: number;
  messages7d: number;
  messages30d: number;
  health: GroupHealthView | null;
  openAlerts: number;
}

/** WeCom's own figures for an owner (all of the owner's groups), source 'wecom'. */
export interface WecomOwnerSummary {
  source: "wecom";
  ownerUserid: string;
  ownerName: string | null;
  latestDay: string | null;
  chatTotal: number;
  memberTotal: number;
  msgTotal7d: number;
  msgTotal30d: number;
  newMemberCnt30d: number;
}

export interface GroupListResponse {
  items: GroupListItem[];
  page: number;
  pageSize: number;
  total: number;
  /** the message windows: 7 and 30 whole business days ending `to` (yesterday) */
  windows: { from7d: string; from30d: string; to: string };
  /** WeCom's figures for the owners of the groups on this page */
  wecom: WecomOwnerSummary[];
}

export interface GroupMemberView {
  id: number;
  memberId: string;
  memberType: number;
  name: string | null;
  groupNickname: string | null;
  customerId: number | null;
  staffId: number | null;
  isAdmin: boolean;
  joinedAt: string | null;
  leftAt: string | null;
  lastMessageAt: string | null;
  messageCount: number;
}

export interface GroupAlertView {
  id: number;
  groupId: number;
  groupName: string;
  chatId: string;
  ownerUserid: string;
  ownerName: string | null;
  kind: (typeof ALERT_KINDS)[number];
  period: string;
  status: "open" | "resolved";
  notifiedAt: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  createdAt: string;
}

export interface GroupCampaignView {
  id: number;
  name: string;
  status: string;
  startAt: string;
  deadlineAt: string;
  targetStatus: string;
  sentAt: string | null;
}

export interface GroupTrend {
  from: string;
  to: string;
  days: string[];
  /** the bot's figures for this group, null on days without a row */
  bot: {
    source: "bot";
    messages: (number | null)[];
    activeMembers: (number | null)[];
    joins: (number | null)[];
    leaves: (number | null)[];
    memberTotal: (number | null)[];
  };
  /** WeCom's figures for the owner's groups together (WeCom reports no per-group figures) */
  wecom: {
    source: "wecom";
    scope: "owner";
    ownerUserid: string;
    msgTotal: (number | null)[];
    memberHasMsg: (number | null)[];
    newMemberCnt: (number | null)[];
    memberTotal: (number | null)[];
    chatTotal: (number | null)[];
  };
}

export interface GroupDetailResponse {
  group: {
    id: number;
    chatId: string;
    name: string;
    status: "active" | "dismissed";
    notice: string | null;
    owner: GroupOwnerView;
    stores: { id: number; name: string }[];
    memberCount: number;
    wecomCreatedAt: string | null;
    syncedAt: string | null;
    dismissedAt: string | null;
  };
  summary: {
    members: number;
    activeMembers7d: number;
    activeMembers30d: number;
    messages7d: number;
    messages30d: number;
  };
  health: GroupHealthView | null;
  trend: GroupTrend;
  members: GroupMemberView[];
  alerts: GroupAlertView[];
  campaigns: GroupCampaignView[];
}

export interface AlertListResponse {
  items: GroupAlertView[];
  page: number;
  pageSize: number;
  total: number;
}

export interface WecomStatRow {
  source: "wecom";
  ownerUserid: string;
  ownerName: string | null;
  day: string;
  newChatCnt: number;
  chatTotal: number;
  chatHasMsg: number;
  newMemberCnt: number;
  memberTotal: number;
  memberHasMsg: number;
  msgTotal: number;
}
