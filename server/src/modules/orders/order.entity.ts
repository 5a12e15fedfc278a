import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

export type OrderStatus = "paid" | "refunded" | "cancelled";

@Entity({ name: "orders" })
@Index("UQ_orders_order_no", ["orderNo"], { unique: true })
@Index("IDX_orders_customer_paid", ["customerId", "paidAt"])
@Index("IDX_orders_paid_at", ["paidAt"])
@Index("IDX_orders_unmatched_ref", ["customerId", "customerRef"])
export class Order {
  @IdColumn() id: number;
  @StrColumn(64) orderNo: string;
  @StrColumn(128) customerRef: string;
  /** null while the order's customer has not been matched yet */
  @IntColumn({ nullable: true }) customerId: number | null;
  @TimeColumn() paidAt: Date;
  @IntColumn() amountCents: number;
  @IntColumn({ default: 0 }) refundCents: number;
  @StrColumn(20) status: OrderStatus;
  @StrColumn(50, { nullable: true }) storeCode: string | null;
  @IntColumn({ nullable: true }) storeId: number | null;
  @StrColumn(20, { default: "api" }) source: string;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}
