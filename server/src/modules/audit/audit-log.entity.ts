import { Entity, Index } from "typeorm";
import { IdColumn, JsonColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

@Entity({ name: "audit_log" })
@Index("IDX_audit_log_created", ["createdAt"])
@Index("IDX_audit_log_entity", ["entity", "entityId"])
export class AuditLog {
  @IdColumn() id: number;
  @StrColumn(20) actorType: "user" | "staff" | "api_key" | "system" | "cli";
  @StrColumn(64, { nullable: true }) actorId: string | null;
  @StrColumn(64) action: string;
  @StrColumn(64, { nullable: true }) entity: string | null;
  @StrColumn(64, { nullable: true }) entityId: string | null;
  @JsonColumn() details: Record<string, unknown> | null;
  @StrColumn(64, { nullable: true }) ip: string | null;
  @TimeColumn() createdAt: Date;
}
