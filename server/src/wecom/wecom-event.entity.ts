import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "../db/columns.ts";

@Entity({ name: "wecom_events" })
@Index("UQ_wecom_events_dedupe", ["dedupeKey"], { unique: true })
@Index("IDX_wecom_events_status", ["status", "id"])
export class WecomEvent {
  @IdColumn() id: number;
  @StrColumn(191) dedupeKey: string;
  @StrColumn(50) event: string;
  @StrColumn(50, { nullable: true }) changeType: string | null;
  @TextColumn({ nullable: false }) payload: string;
  @StrColumn(20, { default: "received" }) status: "received" | "processing" | "done" | "failed";
  @IntColumn({ default: 0 }) attempts: number;
  @TextColumn() error: string | null;
  @TimeColumn() receivedAt: Date;
  @TimeColumn({ nullable: true }) processedAt: Date | null;
}
