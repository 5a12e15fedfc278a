import { Entity, Index } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

export type TagSource = "rfm" | "lifecycle" | "group" | "rule" | "manual" | "wecom";

@Entity({ name: "tag_groups" })
@Index("UQ_tag_groups_code", ["code"], { unique: true })
export class TagGroup {
  @IdColumn() id: number;
  @StrColumn(64) code: string;
  @StrColumn(50) name: string;
  @StrColumn(20) source: TagSource;
  @IntColumn({ default: 0 }) sort: number;
  @StrColumn(128, { nullable: true }) wecomGroupId: string | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "tags" })
@Index("UQ_tags_code", ["code"], { unique: true })
@Index("IDX_tags_group", ["groupId"])
@Index("IDX_tags_wecom_tag_id", ["wecomTagId"])
export class Tag {
  @IdColumn() id: number;
  @IntColumn() groupId: number;
  /** stable machine key, e.g. `rfm:important_value`, `lifecycle:active`, `group:wr123` */
  @StrColumn(150) code: string;
  @StrColumn(50) name: string;
  @StrColumn(20) source: TagSource;
  @BoolColumn(false) isSystem: boolean;
  @BoolColumn(false) mirrorToWecom: boolean;
  @StrColumn(128, { nullable: true }) wecomTagId: string | null;
  @IntColumn({ default: 0 }) sort: number;
  @TimeColumn({ nullable: true }) deletedAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "customer_tags" })
@Index("IDX_customer_tags_tag", ["tagId", "customerId"])
export class CustomerTag {
  @IntColumn({ primary: true }) customerId: number;
  @IntColumn({ primary: true }) tagId: number;
  @StrColumn(20) source: TagSource;
  @StrColumn(64, { nullable: true }) assignedBy: string | null;
  @TimeColumn() createdAt: Date;
}

@Entity({ name: "tag_history" })
@Index("IDX_tag_history_customer", ["customerId", "asOf"])
@Index("IDX_tag_history_computation", ["computationId", "kind"])
export class TagHistory {
  @IdColumn() id: number;
  @IntColumn() customerId: number;
  @IntColumn({ nullable: true }) computationId: number | null;
  @StrColumn(20) kind: "segment" | "lifecycle" | "tag_added" | "tag_removed";
  @StrColumn(150, { nullable: true }) fromValue: string | null;
  @StrColumn(150, { nullable: true }) toValue: string | null;
  @IntColumn({ nullable: true }) tagId: number | null;
  @StrColumn(64, { nullable: true }) actor: string | null;
  @TimeColumn() asOf: Date;
  @TimeColumn() createdAt: Date;
}
