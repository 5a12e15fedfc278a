import type { Component } from "vue";
import type { MessageSchema } from "@/locales/zh-CN";
import type { UserRole } from "@/api/types";
import { HQ_ROLES } from "@/utils/roles";

export interface MenuItem {
  /** Route path the entry links to. */
  path: string;
  /** i18n key under "menu". */
  title: keyof MessageSchema["menu"];
  icon?: Component;
  /** Roles that see the entry; every admin role when omitted. */
  roles?: UserRole[];
}

/** The entry a path belongs to: the longest entry path that is the path or a parent of it. */
export function activeMenuPath(path: string, items: Pick<MenuItem, "path">[] = menuItems): string {
  let best = "/";
  for (const { path: p } of items)
    if ((path === p || path.startsWith(p === "/" ? "/" : `${p}/`)) && p.length > best.length) best = p;
  return best;
}

// The left menu, in display order. A new page adds one line here and one route in routes.ts.
export const menuItems: MenuItem[] = [
  { path: "/", title: "dashboard" },
  { path: "/customers", title: "customers" },
  { path: "/tags", title: "tags" },
  { path: "/rfm", title: "rfm" },
  { path: "/segments", title: "segments" },
  { path: "/materials", title: "materials" },
  { path: "/campaigns", title: "campaigns" },
  { path: "/automations", title: "automations" },
  { path: "/groups", title: "groups" },
  { path: "/group-sops", title: "groupSops" },
  { path: "/groups/bot", title: "groupBot" },
  { path: "/imports", title: "imports", roles: HQ_ROLES },
  { path: "/wecom/sync", title: "wecomSync", roles: HQ_ROLES },
  { path: "/stores", title: "stores" },
  { path: "/staff", title: "staff" },
  { path: "/audit", title: "audit", roles: ["hq_admin"] },
  { path: "/settings", title: "settings", roles: HQ_ROLES },
];
