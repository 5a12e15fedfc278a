import type { Component } from "vue";
import type { MessageSchema } from "@/locales/zh-CN";

export interface MenuItem {
  /** Route path the entry links to. */
  path: string;
  /** i18n key under "menu". */
  title: keyof MessageSchema["menu"];
  icon?: Component;
}

// The left menu, in display order. A new page adds one line here and one route in routes.ts.
export const menuItems: MenuItem[] = [{ path: "/", title: "dashboard" }];
