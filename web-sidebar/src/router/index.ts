import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";

// Every page is its own chunk: the entry stays small inside the WeCom webview.
export const routes: RouteRecordRaw[] = [
  { path: "/", name: "home", component: () => import("@/views/home/index.vue") },
  { path: "/dev-login", name: "dev-login", component: () => import("@/views/dev-login/index.vue") },
  { path: "/:pathMatch(.*)*", redirect: "/" },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
}
