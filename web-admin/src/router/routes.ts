import type { RouteRecordRaw } from "vue-router";
import type { MessageSchema } from "@/locales/zh-CN";

declare module "vue-router" {
  interface RouteMeta {
    /** Reachable without a session (the sign-in page). */
    public?: boolean;
    /** i18n key under "menu" used for the document title. */
    title?: keyof MessageSchema["menu"];
  }
}

export const routes: RouteRecordRaw[] = [
  {
    path: "/login",
    name: "login",
    component: () => import("@/views/login/index.vue"),
    meta: { public: true },
  },
  {
    path: "/",
    component: () => import("@/components/layout/AppLayout.vue"),
    children: [
      {
        path: "",
        name: "dashboard",
        component: () => import("@/views/dashboard/index.vue"),
        meta: { title: "dashboard" },
      },
      {
        path: "customers",
        name: "customers",
        component: () => import("@/views/customers/index.vue"),
        meta: { title: "customers" },
      },
      {
        path: "tags",
        name: "tags",
        component: () => import("@/views/tags/index.vue"),
        meta: { title: "tags" },
      },
      {
        path: "imports",
        name: "imports",
        component: () => import("@/views/imports/index.vue"),
        meta: { title: "imports" },
      },
      {
        path: "rfm",
        name: "rfm",
        component: () => import("@/views/rfm/index.vue"),
        meta: { title: "rfm" },
      },
      {
        path: "wecom/sync",
        name: "wecom-sync",
        component: () => import("@/views/wecom-sync/index.vue"),
        meta: { title: "wecomSync" },
      },
    ],
  },
  { path: "/:pathMatch(.*)*", redirect: "/" },
];
