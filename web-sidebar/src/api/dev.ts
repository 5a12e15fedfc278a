// Simulator-only endpoints (the server answers 404 in live mode).
import { http } from "./http";
import type { DevLoginResponse, DevStaffList } from "./types";

export function getDevStaff(signal?: AbortSignal): Promise<DevStaffList> {
  return http.get<DevStaffList>("/api/v1/sidebar/dev/staff", { signal });
}

export function devLogin(userid: string): Promise<DevLoginResponse> {
  return http.post<DevLoginResponse>("/api/v1/sidebar/dev/login", { userid });
}
