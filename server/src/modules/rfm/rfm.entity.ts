import { Entity, Index } from "typeorm";
import { BigIntColumn, IdColumn, IntColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "rfm_computations" })
@Index("IDX_rfm_computations_status", ["status", "id"])
export class RfmComputation {
  @IdColumn() id: number;
  @TimeColumn() asOf: Date;
  @JsonColumn({ nullable: false }) settings: Record<string, unknown>;
  @StrColumn(20) status: "running" | "done" | "failed";
  @StrColumn(20) triggeredBy: string;
  @IntColumn({ default: 0 }) customersScored: number;
  @IntColumn({ default: 0 }) customersTotal: number;
  @TextColumn() error: string | null;
  @TimeColumn() startedAt: Date;
  @TimeColumn({ nullable: true }) finishedAt: Date | null;
}

@Entity({ name: "customer_rfm" })
@Index("IDX_customer_rfm_segment", ["segment"])
@Index("IDX_customer_rfm_lifecycle", ["lifecycle"])
@Index("IDX_customer_rfm_scores", ["rScore", "fScore", "mScore"])
@Index("IDX_customer_rfm_monetary", ["monetaryCents"])
@Index("IDX_customer_rfm_segment_scores", ["segment", "rScore", "fScore", "mScore"])
export class CustomerRfm {
  @IntColumn({ primary: true }) customerId: number;
  @IntColumn() computationId: number;
  @IntColumn({ nullable: true }) recencyDays: number | null;
  @IntColumn({ nullable: true }) frequency: number | null;
  @BigIntColumn({ nullable: true }) monetaryCents: number | null;
  @IntColumn({ nullable: true }) rScore: number | null;
  @IntColumn({ nullable: true }) fScore: number | null;
  @IntColumn({ nullable: true }) mScore: number | null;
  @StrColumn(32, { nullable: true }) segment: string | null;
  @StrColumn(16) lifecycle: string;
  @TimeColumn({ nullable: true }) firstPaidAt: Date | null;
  @TimeColumn({ nullable: true }) lastPaidAt: Date | null;
  @TimeColumn() updatedAt: Date;
}
