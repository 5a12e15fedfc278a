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
