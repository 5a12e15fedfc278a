import { Entity, Index } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

export type StaffKind = "guide" | "group_leader" | "manager" | "operator";

@Entity({ name: "staff" })
@Index("UQ_staff_userid", ["userid"], { unique: true })
export class Staff {
  @IdColumn() id: number;
  @StrColumn(64) userid: string;
  @StrColumn(100) name: string;
  @StrColumn(20, { nullable: true }) mobile: string | null;
  @StrColumn(512, { nullable: true }) avatar: string | null;
  @StrColumn(64, { nullable: true }) position: string | null;
  @StrColumn(20, { default: "guide" }) kind: StaffKind;
  @StrColumn(20, { default: "active" }) status: "active" | "left";
  @BoolColumn(true) customerContactEnabled: boolean;
  @TimeColumn({ nullable: true }) syncedAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "staff_stores" })
@Index("IDX_staff_stores_store", ["storeId"])
export class StaffStore {
  @IntColumn({ primary: true }) staffId: number;
  @IntColumn({ primary: true }) storeId: number;
  @BoolColumn(false) isManager: boolean;
}
