// Response shapes of the admin API (/api/v1). They mirror the server's zod schemas;
// once the server exports its types, re-export them from here (type-only) instead.

export type UserRole = "hq_admin" | "hq_operator" | "store_manager" | "staff";

export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  role: UserRole;
  /** the stores a store manager works in (empty for HQ) */
  storeIds?: number[];
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

export interface Paged<T> {
  items: T[];
  page: number;
  pageSize: number;
  total: number;
  /** more than `total` matches: the server stops counting at a cap */
  totalCapped?: boolean;
}

export const SEGMENT_KEYS = [
  "important_value",
  "important_develop",
  "important_keep",
  "important_retain",
  "general_value",
  "general_develop",
  "general_keep",
  "general_retain",
] as const;
export type SegmentKey = (typeof SEGMENT_KEYS)[number];

export const LIFECYCLE_STAGES = ["prospect", "new", "active", "silent", "churned"] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export type TagSource = "rfm" | "lifecycle" | "group" | "rule" | "manual" | "wecom";

export interface TagRef {
  id: number;
  name: string;
  source: TagSource;
}

export const CUSTOMER_SORTS = [
  "id",
  "-id",
  "recency",
  "-recency",
  "frequency",
  "-frequency",
  "monetary",
  "-monetary",
  "name",
] as const;
export type CustomerSort = (typeof CUSTOMER_SORTS)[number];

/** GET /customers query; lists are sent comma-joined, money in cents. */
export interface CustomerListQuery {
  page?: number;
  pageSize?: number;
  q?: string;
  segment?: SegmentKey[];
  lifecycle?: LifecycleStage[];
  tagsAny?: number[];
  tagsAll?: number[];
  tagsNone?: number[];
  store?: number[];
  owner?: string[];
  rMin?: number;
  rMax?: number;
  fMin?: number;
  fMax?: number;
  mMin?: number;
  mMax?: number;
  recencyMin?: number;
  recencyMax?: number;
  frequencyMin?: number;
  frequencyMax?: number;
  monetaryMin?: number;
  monetaryMax?: number;
  /** business days (China) "YYYY-MM-DD": first added, and a qualifying order, on these days */
  addedFrom?: string;
  addedTo?: string;
  boughtFrom?: string;
  boughtTo?: string;
  sort?: CustomerSort;
}

export interface CustomerListItem {
  id: number;
  externalUserid: string | null;
  name: string;
  gender: number;
  segment: SegmentKey | null;
  lifecycle: LifecycleStage | null;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  recencyDays: number | null;
  frequency: number | null;
  monetaryCents: number | null;
  lastPaidAt: string | null;
  owners: { userid: string; name: string }[];
  tags: TagRef[];
}

export interface CustomerProfile {
  customer: {
    id: number;
    externalUserid: string | null;
    name: string;
    avatar: string | null;
    gender: number;
    type: number;
    unionid: string | null;
    mobile: string | null;
    memberNo: string | null;
    corpName: string | null;
    source: string | null;
    doNotDisturb: boolean;
    createdAt: string | null;
  };
  rfm: {
    segment: SegmentKey | null;
    lifecycle: LifecycleStage;
    rScore: number | null;
    fScore: number | null;
    mScore: number | null;
    recencyDays: number | null;
    frequency: number | null;
    monetaryCents: number | null;
    firstPaidAt: string | null;
    lastPaidAt: string | null;
    computationId: number | null;
  } | null;
  followRelations: {
    userid: string;
    staffName: string;
    remark: string | null;
    description: string | null;
    state: string | null;
    addWay: number;
    status: string;
    addedAt: string | null;
    endedAt: string | null;
  }[];
  orders: {
    paidCount: number;
    netCents: number;
    recent: {
      orderNo: string;
      paidAt: string | null;
      amountCents: number;
      refundCents: number;
      status: string;
      storeCode: string | null;
    }[];
  };
  tags: TagRef[];
  tagHistory: {
    kind: "segment" | "lifecycle" | "tag_added" | "tag_removed";
    from: string | null;
    to: string | null;
    tag: string | null;
    asOf: string | null;
    actor: string | null;
  }[];
  groups: {
    id: number;
    chatId: string;
    name: string;
    joinedAt: string | null;
    lastMessageAt: string | null;
    messageCount: number;
  }[];
  notes: { id: number; body: string; createdAt: string | null; staffName: string | null }[];
  /** paid orders and net spend per month ("YYYY-MM", UTC), oldest first, at most 36 months */
  monthly: { month: string; orders: number; netCents: number }[];
  /** the campaign targets this customer was, newest first */
  outreach: {
    campaignId: number;
    campaignName: string;
    channel: string;
    status: "pending" | "sent" | "skipped" | "failed" | "converted" | "control";
    isControl: boolean;
    reason: string | null;
    staffName: string | null;
    createdAt: string | null;
    sentAt: string | null;
    convertedAt: string | null;
    revenueCents: number;
  }[];
}

export interface TagView {
  id: number;
  code: string;
  name: string;
  source: TagSource;
  isSystem: boolean;
  mirrorToWecom: boolean;
  wecomTagId: string | null;
  customers: number;
}

export interface TagGroupView {
  id: number;
  code: string;
  name: string;
  source: TagSource;
  tags: TagView[];
}

export interface StoreView {
  id: number;
  code: string;
  name: string;
  city: string | null;
}

export interface StaffView {
  id: number;
  userid: string;
  name: string;
  kind: string;
  status: string;
  customers: number;
  storeIds: number[];
}

export type ImportKind = "customers" | "orders";

export interface ImportJob {
  id: number;
  kind: ImportKind;
  source: "csv" | "api" | "cli";
  filename: string | null;
  status: "running" | "done" | "failed";
  totalRows: number;
  processedRows: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  actor: string | null;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}
