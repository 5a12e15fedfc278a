// Response shapes of the admin API (/api/v1). They mirror the server's zod schemas;
// once the server exports its types, re-export them from here (type-only) instead.

export type UserRole = "hq_admin" | "hq_operator" | "store_manager" | "staff";

export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
}

export interface AuthUserResponse {
  user: AuthUser;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface SegmentCount {
  key: string;
  count: number;
}

export interface MonthlyOrders {
  /** "YYYY-MM" */
  month: string;
  orders: number;
  revenueCents: number;
}

export interface DashboardSummary {
  customers: number;
  followRelations: number;
  orders: number;
  revenueCents: number;
  groups: number;
  groupMembers: number;
  staff: number;
  stores: number;
  segments: SegmentCount[];
  ordersByMonth: MonthlyOrders[];
}

export type SyncPhase = "staff" | "customers" | "tags" | "groups" | "finish";

export interface SyncRunView {
  id: number;
  status: "running" | "done" | "failed";
  phase: SyncPhase;
  triggeredBy: string;
  error: string | null;
  startedAt: string;
  heartbeatAt: string;
  finishedAt: string | null;
  counts: {
    staff: number;
    customers: number;
    relations: number;
    relationsGone: number;
    tags: number;
    groups: number;
    members: number;
    unlicensed: string[];
  } | null;
}
