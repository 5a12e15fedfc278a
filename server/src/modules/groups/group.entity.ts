import { Entity, Index } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "customer_groups" })
@Index("UQ_customer_groups_chat_id", ["chatId"], { unique: true })
@Index("IDX_customer_groups_owner", ["ownerStaffId"])
export class CustomerGroup {
  @IdColumn() id: number;
  @StrColumn(128) chatId: string;
  @StrColumn(100, { default: "" }) name: string;
  @IntColumn({ nullable: true }) ownerStaffId: number | null;
  @StrColumn(64) ownerUserid: string;
  @TextColumn() notice: string | null;
  @IntColumn({ default: 0 }) wecomStatus: number;
  @StrColumn(20, { default: "active" }) status: "active" | "dismissed";
  @StrColumn(64, { nullable: true }) memberVersion: string | null;
  @IntColumn({ default: 0 }) memberCount: number;
  @TimeColumn({ nullable: true }) wecomCreatedAt: Date | null;
  @TimeColumn({ nullable: true }) dismissedAt: Date | null;
  @TimeColumn({ nullable: true }) syncedAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "group_members" })
@Index("UQ_group_members_group_member", ["groupId", "memberId"], { unique: true })
@Index("IDX_group_members_customer", ["customerId"])
@Index("IDX_group_members_staff", ["staffId"])
export class GroupMember {
  @IdColumn() id: number;
  @IntColumn() groupId: number;
  @StrColumn(128) memberId: string;
  /** 1 corp member (staff), 2 external contact */
  @IntColumn() memberType: number;
  @IntColumn({ nullable: true }) customerId: number | null;
  @IntColumn({ nullable: true }) staffId: number | null;
  @StrColumn(128, { nullable: true }) unionid: string | null;
  @StrColumn(100, { nullable: true }) name: string | null;
  @StrColumn(100, { nullable: true }) groupNickname: string | null;
  @TimeColumn({ nullable: true }) joinedAt: Date | null;
  @IntColumn({ nullable: true }) joinScene: number | null;
  @StrColumn(64, { nullable: true }) invitorUserid: string | null;
  @StrColumn(64, { nullable: true }) state: string | null;
  @BoolColumn(false) isAdmin: boolean;
  @TimeColumn({ nullable: true }) leftAt: Date | null;
  @TimeColumn({ nullable: true }) lastMessageAt: Date | null;
  @IntColumn({ default: 0 }) messageCount: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "group_activity_daily" })
@Index("IDX_group_activity_daily_day", ["day"])
export class GroupActivityDaily {
  @IntColumn({ primary: true }) groupId: number;
  @StrColumn(10, { primary: true }) day: string;
  @StrColumn(10, { primary: true }) source: "bot" | "wecom";
  @IntColumn({ default: 0 }) messages: number;
  @IntColumn({ default: 0 }) activeMembers: number;
  @IntColumn({ default: 0 }) joins: number;
  @IntColumn({ default: 0 }) leaves: number;
  @IntColumn({ nullable: true }) memberTotal: number | null;
  @TimeColumn() updatedAt: Date;
}
