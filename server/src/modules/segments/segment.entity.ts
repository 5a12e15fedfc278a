import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "segments" })
@Index("UQ_segments_name", ["name"], { unique: true })
export class Segment {
  @IdColumn() id: number;
  @StrColumn(100) name: string;
  @TextColumn() description: string | null;
  @JsonColumn({ nullable: false }) rule: Record<string, unknown>;
  @IntColumn({ nullable: true }) lastCount: number | null;
  @TimeColumn({ nullable: true }) lastCountedAt: Date | null;
  @IntColumn({ nullable: true }) createdBy: number | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
