import { http } from "./http";
import type { SidebarBootstrap, SidebarMe } from "./types";

export function getBootstrap(): Promise<SidebarBootstrap> {
  return http.get<SidebarBootstrap>("/api/v1/sidebar/bootstrap");
}

export function getMe(signal?: AbortSignal): Promise<SidebarMe> {
  return http.get<SidebarMe>("/api/v1/sidebar/me", { signal });
}
