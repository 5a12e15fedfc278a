// Response shapes of the admin center's security and administration API (/api/v1/auth/password,
// /settings, /audit, /api-keys, /stores). They mirror server/src/modules/{settings,audit,api-keys}/*.schemas.ts.
import type { StoreView } from "./types";

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
}

/** Where a setting's value in effect comes from: the environment wins over the settings page. */
export type SettingSource = "env" | "database" | "unset";

export interface PlainSettingView<T> {
  value: T | null;
  source: SettingSource;
  env: string;
}

export interface SecretSettingView {
  /** `****abcd`, never the value */
  masked: string | null;
  source: SettingSource;
  env: string;
}

export interface WecomSettingsView {
  mode: "simulator" | "live";
  corpId: PlainSettingView<string>;
  agentId: PlainSettingView<number>;
  secret: SecretSettingView;
  callbackToken: SecretSettingView;
  callbackAesKey: SecretSettingView;
  callbackUrl: string;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** A change: a value sets a field, null clears it, an absent field stays as it is. */
export interface WecomSettingsPatch {
  corpId?: string | null;
  agentId?: number | null;
  secret?: string | null;
  callbackToken?: string | null;
  callbackAesKey?: string | null;
}

export type AuditActorType = "user" | "staff" | "api_key" | "system" | "cli";

export interface AuditEntry {
  id: number;
  actorType: AuditActorType;
  actorId: string | null;
  actorName: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  createdAt: string;
}

export interface AuditQuery {
  page: number;
  pageSize: number;
  actor?: string;
  action?: string;
  /** ISO date-times */
  from?: string;
  to?: string;
}

export interface ApiKeyView {
  id: number;
  name: string;
  prefix: string;
  scopes: string[];
  createdBy: number | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

export interface StoreRow extends StoreView {
  staffCount: number;
}
