import { createPinia, setActivePinia } from "pinia";
import { beforeEach, describe, expect, it, vi } from "vitest";
import * as authApi from "@/api/auth";
import { ApiError } from "@/api/http";
import type { AuthUser } from "@/api/types";
import { useAuthStore } from "./auth";

vi.mock("@/api/auth", () => ({ getCurrentUser: vi.fn(), login: vi.fn(), logout: vi.fn() }));

const alice: AuthUser = { id: 1, username: "alice", displayName: "Alice", role: "hq_admin" };

beforeEach(() => {
  setActivePinia(createPinia());
  vi.mocked(authApi.getCurrentUser).mockReset();
});

describe("auth store", () => {
  it("asks /auth/me only once", async () => {
    vi.mocked(authApi.getCurrentUser).mockResolvedValue({ user: alice });
    const auth = useAuthStore();
    await auth.ensureSession();
    await auth.ensureSession();
    expect(auth.user).toEqual(alice);
    expect(authApi.getCurrentUser).toHaveBeenCalledTimes(1);
  });

  it("treats 401 as signed out", async () => {
    vi.mocked(authApi.getCurrentUser).mockRejectedValue(new ApiError(401, "unauthorized", "no session"));
    const auth = useAuthStore();
    expect(await auth.ensureSession()).toBeNull();
    expect(auth.checked).toBe(true);
    expect(auth.sessionError).toBeNull();
  });

  it("keeps other failures visible and retries later", async () => {
    vi.mocked(authApi.getCurrentUser).mockRejectedValueOnce(new ApiError(500, "internal", "boom"));
    const auth = useAuthStore();
    await auth.ensureSession();
    expect(auth.checked).toBe(false);
    expect(auth.sessionError?.status).toBe(500);
    vi.mocked(authApi.getCurrentUser).mockResolvedValueOnce({ user: alice });
    await auth.ensureSession();
    expect(auth.isSignedIn).toBe(true);
  });

  it("signs in and out", async () => {
    vi.mocked(authApi.login).mockResolvedValue({ user: alice });
    vi.mocked(authApi.logout).mockResolvedValue();
    const auth = useAuthStore();
    await auth.signIn({ username: "alice", password: "pw" });
    expect(auth.user?.displayName).toBe("Alice");
    await auth.signOut();
    expect(auth.isSignedIn).toBe(false);
  });
});
