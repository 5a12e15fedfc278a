import { Entity } from "typeorm";
import { IntColumn, StrColumn, TextColumn, TimeColumn } from "../db/columns.ts";

@Entity({ name: "job_leases" })
export class JobLease {
  @StrColumn(100, { primary: true }) name: string;
  @StrColumn(100, { nullable: true }) owner: string | null;
  @TimeColumn({ nullable: true }) leaseUntil: Date | null;
  /** the schedule slot (ISO minute) last claimed, so a slot runs once across instances */
  @StrColumn(40, { nullable: true }) lastSlot: string | null;
  @TimeColumn({ nullable: true }) lastStartedAt: Date | null;
  @TimeColumn({ nullable: true }) lastFinishedAt: Date | null;
  @StrColumn(20, { nullable: true }) lastStatus: "running" | "ok" | "failed" | null;
  @TextColumn() lastError: string | null;
  @IntColumn({ default: 0 }) runCount: number;
}
