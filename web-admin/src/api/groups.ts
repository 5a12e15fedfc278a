import { http, type QueryValue } from "./http";

// Mirrors server/src/modules/groups/groups.schemas.ts (the response shapes there).

export const HEALTH_BANDS = ["good", "fair", "poor", "none"] as const;
export type HealthFilter = (typeof HEALTH_BANDS)[number];
export type HealthBand = Exclude<HealthFilter, "none">;
export const ALERT_KINDS = ["no_messages_7d", "member_loss_5pct"] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];
export const GROUP_SORTS = [
  "name",
  "-members",
  "-active7d",
  "-active30d",
  "-messages7d",
  "-messages30d",
  "-health",
  "health",
  "-alerts",
] as const;
export type GroupSort = (typeof GROUP_SORTS)[number];

export interface GroupListQuery {
  page: number;
  pageSize: number;
  q?: string;
  status?: "active" | "dismissed" | "all";
  store?: number[];
  owner?: string[];
  health?: HealthFilter[];
  alert?: "open" | AlertKind;
  sort?: GroupSort;
}

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
  members: number;
  activeMembers7d: number;
  activeMembers30d: number;
  messages7d: number;
  messages30d: number;
  health: GroupHealthView | null;
  openAlerts: number;
}

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
  windows: { from7d: string; from30d: string; to: string };
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
  kind: AlertKind;
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

export type Series = (number | null)[];

export interface GroupTrend {
  from: string;
  to: string;
  days: string[];
  bot: { source: "bot"; messages: Series; activeMembers: Series; joins: Series; leaves: Series; memberTotal: Series };
  wecom: {
    source: "wecom";
    scope: "owner";
    ownerUserid: string;
    msgTotal: Series;
    memberHasMsg: Series;
    newMemberCnt: Series;
    memberTotal: Series;
    chatTotal: Series;
  };
}

export interface GroupDetail {
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

const listParam = (v: (string | number)[] | undefined): QueryValue => (v && v.length ? v.join(",") : undefined);

export function listGroups(q: GroupListQuery, signal?: AbortSignal): Promise<GroupListResponse> {
  return http.get<GroupListResponse>("/api/v1/groups", {
    signal,
    query: {
      page: q.page,
      pageSize: q.pageSize,
      q: q.q || undefined,
      status: q.status,
      store: listParam(q.store),
      owner: listParam(q.owner),
      health: listParam(q.health),
      alert: q.alert,
      sort: q.sort,
    },
  });
}

export function getGroup(id: number, signal?: AbortSignal): Promise<GroupDetail> {
  return http.get<GroupDetail>(`/api/v1/groups/${id}`, { signal });
}

export function listGroupAlerts(
  q: { page: number; pageSize: number; status?: "open" | "resolved" | "all"; kind?: AlertKind; groupId?: number },
  signal?: AbortSignal,
): Promise<AlertListResponse> {
  return http.get<AlertListResponse>("/api/v1/groups/alerts", { signal, query: { ...q } });
}

export async function resolveGroupAlert(id: number): Promise<GroupAlertView> {
  return (await http.post<{ alert: GroupAlertView }>(`/api/v1/groups/alerts/${id}/resolve`)).alert;
}

export function recomputeGroupHealth(): Promise<{ started: boolean; outcome: string }> {
  return http.post("/api/v1/groups/health/recompute");
}

export function pullWecomGroupStats(): Promise<{ started: boolean; outcome: string }> {
  return http.post("/api/v1/groups/wecom-stats/pull");
}
