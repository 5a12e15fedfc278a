import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

export type AudienceReason =
  "deleted_all_staff" | "do_not_disturb" | "frequency_cap" | "mass_send_same_day" | "unassignable";

/** The audience frozen at launch: one row per member; `reason` says why a member is not a target. */
@Entity({ name: "campaign_audience" })
export class CampaignAudience {
  @IntColumn({ primary: true }) campaignId: number;
  @IntColumn({ primary: true }) customerId: number;
  @StrColumn(30, { nullable: true }) reason: AudienceReason | null;
  /** the owner the assignment rule picked among the in-scope staff following them (NULL: none) */
  @IntColumn({ nullable: true }) staffId: number | null;
  @TimeColumn() createdAt: Date;
}

export type MassSendStatus = "pending" | "creating" | "unconfirmed" | "created" | "done" | "failed";

/** One WeCom mass send (add_msg_template) per task, variant and slice of ≤ 10 000 recipients. */
@Entity({ name: "campaign_mass_sends" })
@Index("UQ_campaign_mass_sends_task_variant_chunk", ["taskId", "variant", "chunk"], { unique: true })
@Index("IDX_campaign_mass_sends_status", ["status", "campaignId"])
@Index("IDX_campaign_mass_sends_msgid", ["msgid"])
export class CampaignMassSend {
  @IdColumn() id: number;
  @IntColumn() campaignId: number;
  @IntColumn() taskId: number;
  @IntColumn() staffId: number;
  @StrColumn(10) variant: string;
  @IntColumn({ default: 0 }) chunk: number;
  @IntColumn({ default: 0 }) recipients: number;
  @StrColumn(20, { default: "pending" }) status: MassSendStatus;
  @StrColumn(128, { nullable: true }) msgid: string | null;
  /** sha256 of the content asked of add_msg_template, recorded before the call (see MassSendReconciler) */
  @StrColumn(64, { nullable: true }) contentHash: string | null;
  @IntColumn({ default: 0 }) failCount: number;
  @TextColumn() error: string | null;
  @TimeColumn({ nullable: true }) resultsReadAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
