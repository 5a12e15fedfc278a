import { http, type QueryValue } from "./http";

// Response shapes are the server's own (type-only import: nothing of the server reaches the bundle).
export type {
  AlertListResponse,
  GroupAlertView,
  GroupCampaignView,
  GroupHealthView,
  GroupListItem,
  GroupListResponse,
  GroupMemberView,
  GroupOwnerView,
  GroupTrend,
  WecomOwnerSummary,
} from "../../../server/src/modules/groups/groups.schemas";
import type {
  AlertListResponse,
  GroupAlertView,
  GroupDetailResponse,
  GroupListResponse,
} from "../../../server/src/modules/groups/groups.schemas";

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

export type Series = (number | null)[];

export type GroupDetail = GroupDetailResponse;

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
