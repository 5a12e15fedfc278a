// Response shapes of the sidebar API (/api/v1/sidebar). They mirror the server's zod schemas;
// once the server exports its types, re-export them from here (type-only) instead.

export type SidebarMode = "simulator" | "live";

export interface SidebarBootstrap {
  mode: SidebarMode;
  corpId: string;
  agentId: number | null;
}

export interface StoreRef {
  id: number;
  name: string;
}

export interface SidebarStaff {
  userid: string;
  name: string;
  avatar: string | null;
  stores: StoreRef[];
}

export interface SidebarMe {
  staff: SidebarStaff;
  customerCount: number;
  groupCount: number;
  openTaskCount: number;
}

export interface DevStaffItem {
  userid: string;
  name: string;
  storeName: string | null;
}

export interface DevStaffList {
  items: DevStaffItem[];
}

export interface DevLoginResponse {
  staff: Partial<SidebarStaff> & { userid: string };
}

/** What jssdk's register() needs back from the server for a page URL. */
export interface JssdkSignature {
  timestamp: number | string;
  nonceStr: string;
  signature: string;
}

// ---- the guide's work (/api/v1/sidebar/customers, /tasks, /targets, /materials, /groups) ----

export type Segment =
  | "important_value"
  | "important_develop"
  | "important_keep"
  | "important_retain"
  | "general_value"
  | "general_develop"
  | "general_keep"
  | "general_retain";
export type Lifecycle = "prospect" | "new" | "active" | "silent" | "churned";
export type Channel = "private_chat" | "group_post" | "moments" | "mass_send" | string;
export type TargetStatus = "pending" | "sent" | "skipped" | "failed" | "converted";

/** A material's content as the server renders it for one customer (server material.schemas.ts). */
export type MaterialContent =
  | { type: "text"; text: string }
  | { type: "image"; image: string; text?: string }
  | { type: "link"; title: string; desc?: string; url: string; picUrl?: string; text?: string }
  | { type: "miniprogram"; title: string; appid: string; page: string; picUrl: string }
  | { type: "file"; file: string; fileName: string; size: number };

export interface PendingTarget {
  targetId: number;
  taskId: number;
  campaignId: number;
  campaign: string;
  channel: Channel;
  dueAt: string | null;
  materials: { materialId: number; title: string; content: MaterialContent }[];
}

export interface CustomerRfm {
  segment: Segment | null;
  lifecycle: Lifecycle;
  rScore: number | null;
  fScore: number | null;
  mScore: number | null;
  recencyDays: number | null;
  frequency: number | null;
  monetaryCents: number | null;
}

export interface CustomerTagView {
  id: number;
  name: string;
  source: string;
  editable: boolean;
}

export interface CustomerPage {
  customer: {
    id: number;
    externalUserid: string;
    name: string;
    avatar: string | null;
    gender: number;
    remark: string | null;
    addedAt: string | null;
    channel: string | null;
  };
  rfm: CustomerRfm;
  lastOrder: { orderNo: string; paidAt: string | null; netCents: number; storeCode: string | null } | null;
  /** qualifying orders and their net spend over the last `days` days */
  orderWindow: { days: number; orders: number; netCents: number };
  groups: { chatId: string; name: string }[];
  tags: CustomerTagView[];
  notes: { id: number; body: string; author: string | null; createdAt: string | null }[];
  outreach: {
    campaign: string;
    channel: Channel;
    status: TargetStatus;
    sentAt: string | null;
    reason: string | null;
  }[];
  pendingTargets: PendingTarget[];
}

export interface ManualTagGroups {
  groups: { id: number; name: string; tags: { id: number; name: string }[] }[];
}

export interface TaskView {
  id: number;
  status: "open" | "overdue" | "done" | string;
  dueAt: string | null;
  total: number;
  pending: number;
  done: number;
  campaign: { id: number; name: string; channel: Channel; goal: string | null };
}

export interface TaskList {
  open: TaskView[];
  done: TaskView[];
}

export interface TaskTarget {
  id: number;
  status: TargetStatus;
  sentAt: string | null;
  reason: string | null;
  customer: { externalUserid: string; name: string } | null;
  group: { chatId: string; name: string } | null;
}

export interface MaterialItem {
  id: number;
  title: string;
  type: MaterialContent["type"];
  folderId: number | null;
  keywords: string | null;
  content: MaterialContent;
  usageCount: number;
}

export interface MaterialSearch {
  items: MaterialItem[];
  page: number;
  pageSize: number;
  total: number;
}

export interface MaterialFolder {
  id: number;
  name: string;
  parentId: number | null;
}

export interface GroupDay {
  day: string;
  messages: number;
  activeMembers: number;
  joins: number;
  leaves: number;
}

export interface GroupPage {
  group: { chatId: string; name: string; notice: string | null; memberCount: number; isOwner: boolean };
  activity: { activeMembers7d: number; joined7d: number; left7d: number; days: GroupDay[] };
  members: {
    memberId: string;
    isStaff: boolean;
    name: string | null;
    joinedAt: string | null;
    lastMessageAt: string | null;
    messages: number;
  }[];
  pendingTargets: PendingTarget[];
}

// ---- simulator-only (dev bridge) ----

export interface DevChats {
  customers: { externalUserid: string; name: string; pending: number }[];
  groups: { chatId: string; name: string; memberCount: number; pending: number }[];
}
