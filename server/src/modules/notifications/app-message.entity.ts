import { Entity, Index } from "typeorm";
import { IdColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "app_messages" })
@Index("UQ_app_messages_dedupe", ["dedupeKey"], { unique: true })
@Index("IDX_app_messages_created", ["createdAt"])
export class AppMessage {
  @IdColumn() id: number;
  @StrColumn(20) kind: "task_assigned" | "reminder" | "digest" | "alert";
  @StrColumn(191, { nullable: true }) dedupeKey: string | null;
  @JsonColumn({ nullable: false }) touser: string[];
  @JsonColumn({ nullable: false }) payload: Record<string, unknown>;
  @StrColumn(20) status: "sending" | "sent" | "partial" | "failed";
  @JsonColumn() invalidUsers: string[] | null;
  @JsonColumn() unlicensedUsers: string[] | null;
  @StrColumn(128, { nullable: true }) wecomMsgid: string | null;
  @TextColumn() error: string | null;
  @TimeColumn() createdAt: Date;
}
