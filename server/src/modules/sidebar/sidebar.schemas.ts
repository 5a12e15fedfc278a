import { z } from "zod";

export const devLoginSchema = z.object({ userid: z.string().trim().min(1, "is required").max(64) });

export interface SidebarBootstrap {
  mode: "simulator" | "live";
  corpId: string;
  agentId: number | null;
}

export interface SidebarStaffView {
  userid: string;
  name: string;
  avatar: string | null;
  stores: { id: number; name: string }[];
}

export interface SidebarMe {
  staff: SidebarStaffView;
  customerCount: number;
  groupCount: number;
  openTaskCount: number;
}
