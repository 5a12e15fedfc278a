import { Entity } from "typeorm";
import { JsonColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "settings" })
export class Setting {
  @StrColumn(100, { primary: true }) name: string;
  @JsonColumn({ nullable: false }) value: unknown;
  @StrColumn(64, { nullable: true }) updatedBy: string | null;
  @TimeColumn() updatedAt: Date;
}
