import type { Router } from "vue-router";
import { useAuthStore } from "@/stores/auth";

/** Only same-site paths are accepted as a post-login target (no open redirects). */
export function safeRedirect(value: unknown): string {
  return typeof value === "string" && value.startsWith("/") && !value.startsWith("//") ? value : "/";
}

/** Session check: /auth/me once, then private pages need a user and /login needs none. */
export function installAuthGuard(router: Router): void {
  router.beforeEach(async (to) => {
    const auth = useAuthStore();
    await auth.ensureSession();
    if (to.meta.public) {
      return auth.isSignedIn ? safeRedirect(to.query.redirect) : true;
    }
    if (!auth.isSignedIn) {
      return { path: "/login", query: { redirect: to.fullPath } };
    }
    return true;
  });
}
