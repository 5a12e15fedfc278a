import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "import_jobs" })
@Index("IDX_import_jobs_started", ["startedAt"])
export class ImportJob {
  @IdColumn() id: number;
  @StrColumn(20) kind: "customers" | "orders";
  @StrColumn(20) source: "csv" | "api" | "cli";
  @StrColumn(255, { nullable: true }) filename: string | null;
  @StrColumn(20) status: "running" | "done" | "failed";
  @IntColumn({ default: 0 }) totalRows: number;
  @IntColumn({ default: 0 }) processedRows: number;
  @IntColumn({ default: 0 }) inserted: number;
  @IntColumn({ default: 0 }) updated: number;
  @IntColumn({ default: 0 }) unchanged: number;
  @IntColumn({ default: 0 }) rejected: number;
  @StrColumn(64, { nullable: true }) actor: string | null;
  @TextColumn() error: string | null;
  @TimeColumn() startedAt: Date;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
  /** moved on with every batch: a running job whose heartbeat stopped lost its process */
  @TimeColumn({ nullable: true }) heartbeatAt: Date | null;
}

@Entity({ name: "import_errors" })
@Index("IDX_import_errors_job", ["jobId", "line"])
export class ImportError {
  @IdColumn() id: number;
  @IntColumn() jobId: number;
  @IntColumn() line: number;
  @StrColumn(64, { nullable: true }) columnName: string | null;
  @StrColumn(255) reason: string;
  @TextColumn() raw: string | null;
}
