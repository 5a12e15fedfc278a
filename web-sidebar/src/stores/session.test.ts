import { createPinia, setActivePinia } from "pinia";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/http";
import * as sidebarApi from "@/api/sidebar";
import { sampleMe } from "@/api/fixtures";
import { useSessionStore } from "./session";

vi.mock("@/api/sidebar", () => ({ getMe: vi.fn(), getBootstrap: vi.fn() }));

beforeEach(() => {
  setActivePinia(createPinia());
  localStorage.clear();
});

describe("session store", () => {
  it("keeps /me in memory only", async () => {
    vi.mocked(sidebarApi.getMe).mockResolvedValue(sampleMe);
    const session = useSessionStore();
    await expect(session.load()).resolves.toEqual(sampleMe);
    expect(session.me?.staff.name).toBe("张三");
    expect(localStorage.length).toBe(0);
  });

  it("resolves null on 401", async () => {
    vi.mocked(sidebarApi.getMe).mockRejectedValue(new ApiError(401, "unauthorized", "no session"));
    const session = useSessionStore();
    await expect(session.load()).resolves.toBeNull();
    expect(session.error).toBeNull();
  });

  it("rejects and records other failures", async () => {
    vi.mocked(sidebarApi.getMe).mockRejectedValue(new ApiError(500, "internal", "boom"));
    const session = useSessionStore();
    await expect(session.load()).rejects.toMatchObject({ status: 500 });
    expect(session.error).toBeInstanceOf(ApiError);
    expect(session.loading).toBe(false);
  });
});
