import { Entity, Index } from "typeorm";
import { IdColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "stores" })
@Index("UQ_stores_code", ["code"], { unique: true })
export class Store {
  @IdColumn() id: number;
  @StrColumn(50) code: string;
  @StrColumn(100) name: string;
  @StrColumn(50, { nullable: true }) city: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
