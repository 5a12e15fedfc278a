import type {
  AlertKind,
  GroupListQuery,
  GroupMemberView,
  GroupSort,
  GroupTrend,
  HealthBand,
  HealthFilter,
  Series,
} from "@/api/groups";

export const PAGE_SIZE = 20;

export interface GroupFilters {
  q: string;
  store: number | null;
  owner: string;
  health: HealthFilter[];
  alert: "" | "open" | AlertKind;
  sort: GroupSort;
}

export const emptyFilters = (): GroupFilters => ({
  q: "",
  store: null,
  owner: "",
  health: [],
  alert: "",
  sort: "name",
});

/** The query for one page: only the filters that are set. */
export function buildGroupQuery(f: GroupFilters, page: number, pageSize = PAGE_SIZE): GroupListQuery {
  const q: GroupListQuery = { page, pageSize, sort: f.sort };
  if (f.q.trim()) q.q = f.q.trim();
  if (f.store) q.store = [f.store];
  if (f.owner) q.owner = [f.owner];
  if (f.health.length) q.health = [...f.health];
  if (f.alert) q.alert = f.alert;
  return q;
}

/** Element Plus tag colour of a health band. */
export function healthTagType(band: HealthBand | null | undefined): "success" | "warning" | "danger" | "info" {
  return band === "good" ? "success" : band === "fair" ? "warning" : band === "poor" ? "danger" : "info";
}

/** The measures charted on a group's page, and WeCom's nearest figure for each (none for leaves). */
export const TREND_MEASURES = ["messages", "activeMembers", "joins", "leaves"] as const;
export type TrendMeasure = (typeof TREND_MEASURES)[number];
const WECOM_FIELD: Record<TrendMeasure, keyof Omit<GroupTrend["wecom"], "source" | "scope" | "ownerUserid"> | null> = {
  messages: "msgTotal",
  activeMembers: "memberHasMsg",
  joins: "newMemberCnt",
  leaves: null,
};

export interface TrendLines {
  /** MM-DD labels */
  labels: string[];
  bot: Series;
  /** WeCom's figure for all of the owner's groups; null when WeCom has no such figure or no data */
  wecom: Series | null;
}

/** One chart's lines: the bot's figure for this group and, beside it, WeCom's for the owner's groups. */
export function trendLines(trend: GroupTrend, measure: TrendMeasure): TrendLines {
  const field = WECOM_FIELD[measure];
  const wecom = field ? trend.wecom[field] : null;
  return {
    labels: trend.days.map((d) => d.slice(5)),
    bot: trend.bot[measure],
    wecom: wecom && wecom.some((v) => v !== null) ? wecom : null,
  };
}

/** Whether the trend has any figure at all (either source). */
export function hasTrendData(trend: GroupTrend | null | undefined): boolean {
  if (!trend) return false;
  const filled = (s: Series) => s.some((v) => v !== null);
  return filled(trend.bot.messages) || filled(trend.wecom.msgTotal);
}

/** How a member is shown: the group nickname, else the name, else the id. */
export function memberLabel(m: Pick<GroupMemberView, "groupNickname" | "name" | "memberId">): string {
  return m.groupNickname || m.name || m.memberId;
}
