import { defineStore } from "pinia";
import { ref, shallowRef } from "vue";
import { ApiError } from "@/api/http";
import { getMe } from "@/api/sidebar";
import type { SidebarMe } from "@/api/types";

/**
 * The signed-in staff member as the server sees it (GET /sidebar/me). Kept in memory only:
 * identity lives in the server's session cookie, never in localStorage.
 */
export const useSessionStore = defineStore("session", () => {
  const me = shallowRef<SidebarMe | null>(null);
  const loading = ref(false);
  /** The last failure other than 401. */
  const error = shallowRef<unknown>(null);

  /** Fetch /me. Resolves null when there is no session (401); other failures reject. */
  async function load(): Promise<SidebarMe | null> {
    loading.value = true;
    error.value = null;
    try {
      me.value = await getMe();
      return me.value;
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        me.value = null;
        return null;
      }
      error.value = err;
      throw err;
    } finally {
      loading.value = false;
    }
  }

  function clear(): void {
    me.value = null;
    error.value = null;
  }

  return { me, loading, error, load, clear };
});
