import { Entity, Index } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";
import type { SopRunStatus, SopTargets } from "./group-sops.schemas.ts";

/** A group SOP: a material posted to a set of groups on a schedule (cron, Asia/Shanghai). */
@Entity({ name: "group_sops" })
@Index("IDX_group_sops_due", ["enabled", "nextRunAt"])
export class GroupSop {
  @IdColumn() id: number;
  @StrColumn(100) name: string;
  @IntColumn() materialId: number;
  @JsonColumn({ nullable: false }) targets: SopTargets;
  /** five-field cron in Asia/Shanghai, e.g. `0 10 * * *` */
  @StrColumn(100) schedule: string;
  /** hours after each occurrence until the owners' tasks are due */
  @IntColumn({ default: 4 }) dueHours: number;
  @BoolColumn(true) enabled: boolean;
  /** the group bot posts by itself (only hq_admin may switch it on) */
  @BoolColumn(false) botAutoPost: boolean;
  @TimeColumn({ nullable: true }) nextRunAt: Date | null;
  @IntColumn({ nullable: true }) createdBy: number | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/**
 * One occurrence of an SOP. The unique key (SOP, occurrence time) lets exactly one runner create
 * it; its campaign holds one task per owner and one target per group (unique per campaign and
 * group), so (SOP, occurrence, group) can never be posted twice.
 */
@Entity({ name: "group_sop_runs" })
@Index("UQ_group_sop_runs_occurrence", ["sopId", "occursAt"], { unique: true })
@Index("IDX_group_sop_runs_status", ["status"])
export class GroupSopRun {
  @IdColumn() id: number;
  @IntColumn() sopId: number;
  @TimeColumn() occursAt: Date;
  @StrColumn(20) status: SopRunStatus;
  @IntColumn({ nullable: true }) campaignId: number | null;
  @IntColumn({ default: 0 }) groupCount: number;
  @IntColumn({ default: 0 }) taskCount: number;
  /** earlier slots not acted on because the server was down (only the latest is created) */
  @IntColumn({ default: 0 }) skippedSlots: number;
  @IntColumn({ default: 0 }) botPosted: number;
  @IntColumn({ default: 0 }) botFailed: number;
  @TextColumn() error: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

export const groupSopEntities = [GroupSop, GroupSopRun];
