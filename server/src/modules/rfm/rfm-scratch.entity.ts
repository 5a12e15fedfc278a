import { Entity } from "typeorm";
import { BigIntColumn, IntColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

/** One computation's figures while they are built in SQL (rows are removed when it finishes). */
@Entity({ name: "rfm_scratch" })
export class RfmScratch {
  @IntColumn({ primary: true }) computationId: number;
  @IntColumn({ primary: true }) customerId: number;
  @IntColumn({ nullable: true }) recencyDays: number | null;
  @IntColumn({ nullable: true }) frequency: number | null;
  @BigIntColumn({ nullable: true }) monetaryCents: number | null;
  @TimeColumn({ nullable: true }) firstPaidAt: Date | null;
  @TimeColumn({ nullable: true }) lastPaidAt: Date | null;
  @IntColumn({ nullable: true }) rScore: number | null;
  @IntColumn({ nullable: true }) fScore: number | null;
  @IntColumn({ nullable: true }) mScore: number | null;
  @StrColumn(32, { nullable: true }) segment: string | null;
  @StrColumn(16, { nullable: true }) lifecycle: string | null;
}
