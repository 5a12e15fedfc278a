import { defineStore } from "pinia";
import { computed, ref } from "vue";
import { getCurrentUser, login, logout } from "@/api/auth";
import { ApiError } from "@/api/http";
import type { AuthUser, LoginRequest } from "@/api/types";

/** The signed-in admin user. The session itself lives in the server's httpOnly cookie. */
export const useAuthStore = defineStore("auth", () => {
  const user = ref<AuthUser | null>(null);
  /** True once /auth/me has answered (with a user or with 401). */
  const checked = ref(false);
  /** A non-401 failure of /auth/me, shown on the sign-in page. */
  const sessionError = ref<ApiError | null>(null);

  const isSignedIn = computed(() => user.value !== null);

  /** Ask the server once who we are; later calls reuse the answer. */
  async function ensureSession(): Promise<AuthUser | null> {
    if (checked.value) return user.value;
    try {
      user.value = (await getCurrentUser()).user;
      sessionError.value = null;
      checked.value = true;
    } catch (error) {
      user.value = null;
      if (error instanceof ApiError && error.status === 401) {
        checked.value = true;
      } else {
        // Leave `checked` false so the next navigation asks again.
        sessionError.value = error instanceof ApiError ? error : new ApiError(0, "unknown", String(error));
      }
    }
    return user.value;
  }

  async function signIn(credentials: LoginRequest): Promise<AuthUser> {
    const result = await login(credentials);
    user.value = result.user;
    sessionError.value = null;
    checked.value = true;
    return result.user;
  }

  async function signOut(): Promise<void> {
    try {
      await logout();
    } finally {
      clearSession();
    }
  }

  /** Forget the user locally (sign-out, or a 401 from any API call). */
  function clearSession(): void {
    user.value = null;
    checked.value = true;
  }

  return { user, checked, sessionError, isSignedIn, ensureSession, signIn, signOut, clearSession };
});
