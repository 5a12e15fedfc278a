import { Entity, Index } from "typeorm";
import { BoolColumn, IdColumn, IntColumn, JsonColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "customers" })
@Index("UQ_customers_external_userid", ["externalUserid"], { unique: true })
@Index("IDX_customers_mobile", ["mobile"])
@Index("IDX_customers_unionid", ["unionid"])
@Index("IDX_customers_member_no", ["memberNo"])
export class Customer {
  @IdColumn() id: number;
  @StrColumn(128, { nullable: true }) externalUserid: string | null;
  @StrColumn(100, { default: "" }) name: string;
  @StrColumn(512, { nullable: true }) avatar: string | null;
  /** 1 WeChat user, 2 WeCom user */
  @IntColumn({ default: 1 }) type: number;
  /** 0 unknown, 1 male, 2 female */
  @IntColumn({ default: 0 }) gender: number;
  @StrColumn(128, { nullable: true }) unionid: string | null;
  @StrColumn(20, { nullable: true }) mobile: string | null;
  @StrColumn(64, { nullable: true }) memberNo: string | null;
  @StrColumn(100, { nullable: true }) corpName: string | null;
  @StrColumn(20, { default: "wecom" }) source: string;
  @BoolColumn(false) doNotDisturb: boolean;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

export type IdentityKind = "external_userid" | "mobile" | "unionid" | "member_no";

@Entity({ name: "customer_identities" })
@Index("UQ_customer_identities_kind_value", ["kind", "value"], { unique: true })
@Index("IDX_customer_identities_customer", ["customerId"])
export class CustomerIdentity {
  @IdColumn() id: number;
  @IntColumn() customerId: number;
  @StrColumn(20) kind: IdentityKind;
  @StrColumn(128) value: string;
  @TimeColumn() createdAt: Date;
}

export type FollowStatus = "active" | "deleted_by_staff" | "deleted_by_customer" | "gone";

@Entity({ name: "follow_relations" })
@Index("UQ_follow_relations_customer_staff", ["customerId", "staffId"], { unique: true })
// the customer id rides along so that a store or owner filter reads the index alone
@Index("IDX_follow_relations_staff_status_customer", ["staffId", "status", "customerId"])
@Index("IDX_follow_relations_state", ["state"])
@Index("IDX_follow_relations_added_at", ["addedAt"])
export class FollowRelation {
  @IdColumn() id: number;
  @IntColumn() customerId: number;
  @IntColumn() staffId: number;
  @StrColumn(100, { nullable: true }) remark: string | null;
  @StrColumn(255, { nullable: true }) description: string | null;
  @JsonColumn() remarkMobiles: string[] | null;
  @IntColumn({ default: 0 }) addWay: number;
  @StrColumn(64, { nullable: true }) state: string | null;
  @StrColumn(128, { nullable: true }) operUserid: string | null;
  @JsonColumn() wecomTagIds: string[] | null;
  @TimeColumn() addedAt: Date;
  @StrColumn(20, { default: "active" }) status: FollowStatus;
  @TimeColumn({ nullable: true }) endedAt: Date | null;
  @TimeColumn({ nullable: true }) lastContactedAt: Date | null;
  @TimeColumn({ nullable: true }) syncedAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "customer_notes" })
@Index("IDX_customer_notes_customer", ["customerId", "createdAt"])
export class CustomerNote {
  @IdColumn() id: number;
  @IntColumn() customerId: number;
  @IntColumn({ nullable: true }) staffId: number | null;
  @IntColumn({ nullable: true }) userId: number | null;
  @TextColumn({ nullable: false }) body: string;
  @TimeColumn() createdAt: Date;
}
