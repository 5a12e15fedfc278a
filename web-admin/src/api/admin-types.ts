// Response shapes of the admin center's security and administration API (/api/v1/auth/password,
// /settings, /audit, /api-keys, /stores). The settings and audit shapes are the server's own (type-only).
import type { StoreView } from "./types";

export type {
  PlainSettingView,
  SecretSettingView,
  SettingSource,
  WecomSettingsPatch,
  WecomSettingsView,
} from "../../../server/src/modules/settings/settings.schemas";
export type { AuditActorType, AuditEntryView as AuditEntry } from "../../../server/src/modules/audit/audit.schemas";

export interface ChangePasswordRequest {
  currentPassword: string;
  newPassword: string;
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
