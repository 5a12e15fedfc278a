import { createRouter, createWebHistory, type RouteRecordRaw } from "vue-router";

// Every page is its own chunk: the entry stays small inside the WeCom webview.
export const routes: RouteRecordRaw[] = [
  { path: "/", name: "home", component: () => import("@/views/home/index.vue") },
  { path: "/customer/:externalUserId", name: "customer", component: () => import("@/views/customer/index.vue") },
  { path: "/group/:chatId", name: "group", component: () => import("@/views/group/index.vue") },
  { path: "/tasks", name: "tasks", component: () => import("@/views/tasks/index.vue") },
  { path: "/tasks/:id", name: "task", component: () => import("@/views/task/index.vue") },
  { path: "/materials", name: "materials", component: () => import("@/views/materials/index.vue") },
  { path: "/dev-login", name: "dev-login", component: () => import("@/views/dev-login/index.vue") },
  { path: "/dev-chat", name: "dev-chat", component: () => import("@/views/dev-chat/index.vue") },
  { path: "/:pathMatch(.*)*", redirect: "/" },
];

export function createAppRouter() {
  return createRouter({ history: createWebHistory(import.meta.env.BASE_URL), routes });
}
