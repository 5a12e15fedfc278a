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
        path: "segments",
        name: "segments",
        component: () => import("@/views/segments/index.vue"),
        meta: { title: "segments" },
      },
      {
        path: "segments/:id(new|\\d+)",
        name: "segment-editor",
        component: () => import("@/views/segments/editor.vue"),
        meta: { title: "segments" },
      },
      {
        path: "materials",
        name: "materials",
        component: () => import("@/views/materials/index.vue"),
        meta: { title: "materials" },
      },
      {
        path: "campaigns",
        name: "campaigns",
        component: () => import("@/views/campaigns/index.vue"),
        meta: { title: "campaigns" },
      },
      {
        path: "campaigns/new",
        name: "campaign-new",
        component: () => import("@/views/campaigns/new.vue"),
        meta: { title: "campaigns" },
      },
      {
        path: "campaigns/:id(\\d+)/edit",
        name: "campaign-edit",
        component: () => import("@/views/campaigns/new.vue"),
        meta: { title: "campaigns" },
      },
      {
        path: "campaigns/:id(\\d+)",
        name: "campaign",
        component: () => import("@/views/campaigns/detail.vue"),
        meta: { title: "campaigns" },
      },
      {
        path: "groups",
        name: "groups",
        component: () => import("@/views/groups/index.vue"),
        meta: { title: "groups" },
      },
      {
        path: "groups/:id(\\d+)",
        name: "group",
        component: () => import("@/views/groups/detail.vue"),
        meta: { title: "groups" },
      },
      {
        path: "groups/bot",
        name: "group-bot",
        component: () => import("@/views/bot/index.vue"),
        meta: { title: "groupBot" },
      },
      {
        path: "automations",
        name: "automations",
        component: () => import("@/views/automations/index.vue"),
        meta: { title: "automations" },
      },
      {
        path: "group-sops",
        name: "group-sops",
        component: () => import("@/views/group-sops/index.vue"),
        meta: { title: "groupSops" },
      },
      {
        path: "wecom/sync",
        name: "wecom-sync",
        component: () => import("@/views/wecom-sync/index.vue"),
        meta: { title: "wecomSync" },
      },
      {
        path: "stores",
        name: "stores",
        component: () => import("@/views/stores/index.vue"),
        meta: { title: "stores" },
      },
      {
        path: "staff",
        name: "staff",
        component: () => import("@/views/staff/index.vue"),
        meta: { title: "staff" },
      },
      {
        path: "audit",
        name: "audit",
        component: () => import("@/views/audit/index.vue"),
        meta: { title: "audit" },
      },
      {
        path: "settings",
        name: "settings",
        component: () => import("@/views/settings/index.vue"),
        meta: { title: "settings" },
      },
    ],
  },
  { path: "/:pathMatch(.*)*", redirect: "/" },
];
