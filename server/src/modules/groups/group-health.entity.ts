import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, JsonColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

/**
 * WeCom's own group figures (groupchat/statistic, wecom.md §4.3), one row per owner and business
 * day. WeCom only reports them per owner (all of the owner's groups together), so they are kept
 * apart from the bot's per-group `group_activity_daily` and always shown labelled as "WeCom".
 */
@Entity({ name: "group_owner_stats_daily" })
@Index("IDX_group_owner_stats_daily_day", ["day"])
export class GroupOwnerStatDaily {
  @StrColumn(64, { primary: true }) ownerUserid: string;
  @StrColumn(10, { primary: true }) day: string;
  @StrColumn(10, { default: "wecom" }) source: "wecom";
  @IntColumn({ nullable: true }) staffId: number | null;
  @IntColumn({ default: 0 }) newChatCnt: number;
  @IntColumn({ default: 0 }) chatTotal: number;
  @IntColumn({ default: 0 }) chatHasMsg: number;
  @IntColumn({ default: 0 }) newMemberCnt: number;
  @IntColumn({ default: 0 }) memberTotal: number;
  @IntColumn({ default: 0 }) memberHasMsg: number;
  @IntColumn({ default: 0 }) msgTotal: number;
  @IntColumn({ nullable: true }) migrateTraineeChatCnt: number | null;
  @TimeColumn() pulledAt: Date;
}

/** The health score of a group and the figures it came from (README "Group health"). */
@Entity({ name: "group_health" })
export class GroupHealth {
  @IntColumn({ primary: true }) groupId: number;
  @IntColumn({ default: 0 }) score: number;
  @IntColumn({ default: 0 }) activityScore: number;
  @IntColumn({ default: 0 }) growthScore: number;
  @IntColumn({ default: 0 }) churnScore: number;
  @IntColumn({ default: 0 }) members: number;
  @IntColumn({ default: 0 }) members7dAgo: number;
  @IntColumn({ default: 0 }) members30dAgo: number;
  @IntColumn({ default: 0 }) activeMembers7d: number;
  @IntColumn({ default: 0 }) activeMembers30d: number;
  @IntColumn({ default: 0 }) messages7d: number;
  @IntColumn({ default: 0 }) messages30d: number;
  @IntColumn({ default: 0 }) joins30d: number;
  @IntColumn({ default: 0 }) leaves7d: number;
  @IntColumn({ default: 0 }) leaves30d: number;
  @TimeColumn({ nullable: true }) lastMessageAt: Date | null;
  @TimeColumn() computedAt: Date;
}

export type GroupAlertKind = "no_messages_7d" | "member_loss_5pct";

/** An alert raised once per (group, kind, period): the unique key keeps several instances from raising it twice. */
@Entity({ name: "group_alerts" })
@Index("UQ_group_alerts_group_kind_period", ["groupId", "kind", "period"], { unique: true })
@Index("IDX_group_alerts_status", ["status", "createdAt"])
export class GroupAlert {
  @IdColumn() id: number;
  @IntColumn() groupId: number;
  @StrColumn(30) kind: GroupAlertKind;
  /** the business day the alert was raised (YYYY-MM-DD) */
  @StrColumn(10) period: string;
  @StrColumn(20, { default: "open" }) status: "open" | "resolved";
  @JsonColumn() details: Record<string, unknown> | null;
  @TimeColumn({ nullable: true }) notifiedAt: Date | null;
  @TimeColumn({ nullable: true }) resolvedAt: Date | null;
  @StrColumn(64, { nullable: true }) resolvedBy: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
