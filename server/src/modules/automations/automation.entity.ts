import { Entity, Index } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

export type AutomationKind = "segment_schedule" | "rfm_downgrade" | "after_added";
export type AutomationRunStatus = "running" | "done" | "failed";

/** A recurring or triggered campaign: what to watch, what to launch, and where evaluation stands. */
@Entity({ name: "automations" })
@Index("UQ_automations_name", ["name"], { unique: true })
@Index("IDX_automations_enabled", ["enabled", "id"])
export class Automation {
  @IdColumn() id: number;
  @StrColumn(100) name: string;
  @StrColumn(20) kind: AutomationKind;
  @BoolColumn(true) enabled: boolean;
  @JsonColumn({ nullable: false }) template: Record<string, unknown>;
  @JsonColumn({ nullable: false }) config: Record<string, unknown>;
  @TimeColumn() activeSince: Date;
  @TimeColumn({ nullable: true }) nextRunAt: Date | null;
  @IntColumn({ default: 0 }) lastHistoryId: number;
  @TimeColumn({ nullable: true }) checkedAt: Date | null;
  @StrColumn(100, { nullable: true }) leaseOwner: string | null;
  @TimeColumn({ nullable: true }) leaseUntil: Date | null;
  @IntColumn({ nullable: true }) createdBy: number | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/** One run of an automation: the log line operators see. */
@Entity({ name: "automation_runs" })
@Index("IDX_automation_runs_automation", ["automationId", "id"])
@Index("IDX_automation_runs_status", ["status"])
export class AutomationRun {
  @IdColumn() id: number;
  @IntColumn() automationId: number;
  @StrColumn(20) status: AutomationRunStatus;
  @IntColumn({ default: 0 }) customers: number;
  @IntColumn({ nullable: true }) campaignId: number | null;
  @JsonColumn() summary: Record<string, unknown> | null;
  @TextColumn() error: string | null;
  @IntColumn({ default: 0 }) repeats: number;
  @IntColumn({ nullable: true }) historyFrom: number | null;
  @TimeColumn() startedAt: Date;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
}

/** A customer an automation has acted on (once per automation), with the run and campaign that took them. */
@Entity({ name: "automation_members" })
@Index("IDX_automation_members_run", ["runId"])
export class AutomationMember {
  @IntColumn({ primary: true }) automationId: number;
  @IntColumn({ primary: true }) customerId: number;
  @IntColumn() runId: number;
  @IntColumn({ nullable: true }) campaignId: number | null;
  @StrColumn(64, { nullable: true }) event: string | null;
  @TimeColumn() firstSeenAt: Date;
}

export const automationEntities = [Automation, AutomationRun, AutomationMember];
