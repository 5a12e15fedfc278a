import { Entity, Index } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

export type CampaignChannel = "private_chat" | "mass_send" | "group_post" | "moments";
export type CampaignStatus = "draft" | "running" | "paused" | "cancelled" | "finished";
export type TargetStatus = "pending" | "sent" | "skipped" | "failed" | "converted" | "control";

@Entity({ name: "campaigns" })
@Index("IDX_campaigns_status", ["status", "deadlineAt"])
export class Campaign {
  @IdColumn() id: number;
  @StrColumn(100) name: string;
  @TextColumn() goal: string | null;
  @StrColumn(20, { default: "draft" }) status: CampaignStatus;
  @StrColumn(20) channel: CampaignChannel;
  @IntColumn({ nullable: true }) segmentId: number | null;
  @JsonColumn() audienceRule: Record<string, unknown> | null;
  /** an uploaded list (audience_lists) as the audience */
  @IntColumn({ nullable: true }) audienceListId: number | null;
  @JsonColumn({ nullable: false }) materials: unknown[];
  @JsonColumn() scope: Record<string, unknown> | null;
  @TimeColumn() startAt: Date;
  @TimeColumn() deadlineAt: Date;
  @JsonColumn() reminders: number[] | null;
  @IntColumn({ default: 7 }) conversionWindowDays: number;
  /** holdout share in basis points (1000 = 10 %) */
  @IntColumn({ default: 0 }) holdoutBp: number;
  @StrColumn(20, { default: "first_added" }) assignmentRule: "first_added" | "last_added" | "last_contacted";
  @IntColumn({ default: 0 }) seed: number;
  @IntColumn({ nullable: true }) automationId: number | null;
  @JsonColumn() launchReport: Record<string, unknown> | null;
  @IntColumn({ nullable: true }) createdBy: number | null;
  @TimeColumn({ nullable: true }) launchedAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "tasks" })
@Index("UQ_tasks_campaign_staff", ["campaignId", "staffId"], { unique: true })
@Index("IDX_tasks_staff_status", ["staffId", "status"])
export class Task {
  @IdColumn() id: number;
  @IntColumn() campaignId: number;
  @IntColumn() staffId: number;
  @StrColumn(20, { default: "open" }) status: "open" | "done" | "overdue";
  @TimeColumn() dueAt: Date;
  @IntColumn({ default: 0 }) targetsTotal: number;
  @IntColumn({ default: 0 }) targetsPending: number;
  @StrColumn(128, { nullable: true }) wecomMsgid: string | null;
  @TimeColumn({ nullable: true }) notifiedAt: Date | null;
  @JsonColumn() remindersSent: string[] | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "targets" })
@Index("UQ_targets_campaign_customer", ["campaignId", "customerId"], { unique: true })
@Index("UQ_targets_campaign_group", ["campaignId", "groupId"], { unique: true })
@Index("IDX_targets_task_status", ["taskId", "status"])
@Index("IDX_targets_customer_created", ["customerId", "createdAt"])
export class Target {
  @IdColumn() id: number;
  @IntColumn() campaignId: number;
  @IntColumn({ nullable: true }) taskId: number | null;
  @IntColumn({ nullable: true }) staffId: number | null;
  @IntColumn({ nullable: true }) customerId: number | null;
  @IntColumn({ nullable: true }) groupId: number | null;
  @StrColumn(20) status: TargetStatus;
  @BoolColumn(false) isControl: boolean;
  @StrColumn(10, { nullable: true }) variant: string | null;
  @StrColumn(255, { nullable: true }) reason: string | null;
  @TimeColumn({ nullable: true }) sentAt: Date | null;
  @TimeColumn({ nullable: true }) convertedAt: Date | null;
  @IntColumn({ nullable: true }) conversionOrderId: number | null;
  @IntColumn({ default: 0 }) revenueCents: number;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "target_events" })
@Index("IDX_target_events_target", ["targetId", "createdAt"])
export class TargetEvent {
  @IdColumn() id: number;
  @IntColumn() targetId: number;
  @StrColumn(20, { nullable: true }) fromStatus: TargetStatus | null;
  @StrColumn(20) toStatus: TargetStatus;
  @StrColumn(20) actorType: "staff" | "user" | "wecom" | "system";
  @StrColumn(64, { nullable: true }) actorId: string | null;
  @StrColumn(255, { nullable: true }) reason: string | null;
  @TimeColumn() createdAt: Date;
}
