import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

export type Role = "hq_admin" | "hq_operator" | "store_manager" | "staff";
export const ROLES: readonly Role[] = ["hq_admin", "hq_operator", "store_manager", "staff"];

@Entity({ name: "users" })
@Index("UQ_users_username", ["username"], { unique: true })
export class User {
  @IdColumn() id: number;
  @StrColumn(64) username: string;
  @StrColumn(255) passwordHash: string;
  @StrColumn(100) displayName: string;
  @StrColumn(20) role: Role;
  @IntColumn({ nullable: true }) staffId: number | null;
  @StrColumn(20, { default: "active" }) status: "active" | "disabled";
  @TimeColumn({ nullable: true }) lastLoginAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

@Entity({ name: "user_stores" })
export class UserStore {
  @IntColumn({ primary: true }) userId: number;
  @IntColumn({ primary: true }) storeId: number;
}

@Entity({ name: "api_keys" })
@Index("UQ_api_keys_key_hash", ["keyHash"], { unique: true })
export class ApiKey {
  @IdColumn() id: number;
  @StrColumn(100) name: string;
  @StrColumn(16) prefix: string;
  @StrColumn(128) keyHash: string;
  @StrColumn(255, { default: "orders:write" }) scopes: string;
  @IntColumn({ nullable: true }) createdBy: number | null;
  @TimeColumn({ nullable: true }) lastUsedAt: Date | null;
  @TimeColumn({ nullable: true }) revokedAt: Date | null;
  @TimeColumn() createdAt: Date;
}
