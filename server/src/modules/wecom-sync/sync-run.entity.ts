import { Entity, Index } from "typeorm";
import { IdColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

export type SyncPhase = "staff" | "customers" | "tags" | "groups" | "finish";

export interface SyncCheckpoint {
  /** customers: index into the follow-user list of the batch being read, and WeCom's cursor in it */
  userBatch?: number;
  cursor?: string;
  /** groups: WeCom's list cursor, and the chat ids still to fetch */
  listCursor?: string;
  pendingChats?: string[];
  listDone?: boolean;
}

export interface SyncCounts {
  staff: number;
  customers: number;
  relations: number;
  relationsGone: number;
  tags: number;
  groups: number;
  members: number;
  unlicensed: string[];
}

@Entity({ name: "sync_runs" })
@Index("IDX_sync_runs_kind_status", ["kind", "status", "id"])
export class SyncRun {
  @IdColumn() id: number;
  @StrColumn(20) kind: "full";
  @StrColumn(20) status: "running" | "done" | "failed";
  @StrColumn(20) phase: SyncPhase;
  @JsonColumn() checkpoint: SyncCheckpoint | null;
  @JsonColumn() counts: SyncCounts | null;
  @StrColumn(20) triggeredBy: string;
  @TextColumn() error: string | null;
  @TimeColumn() startedAt: Date;
  @TimeColumn() heartbeatAt: Date;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
}
