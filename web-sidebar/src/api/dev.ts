// Simulator-only endpoints (the server answers 404 in live mode).
import { http } from "./http";
import type { ChatMessage } from "@/wecom/types";
import type { DevChats, DevLoginResponse, DevStaffList } from "./types";

export function getDevStaff(signal?: AbortSignal): Promise<DevStaffList> {
  return http.get<DevStaffList>("/api/v1/sidebar/dev/staff", { signal });
}

export function devLogin(userid: string): Promise<DevLoginResponse> {
  return http.post<DevLoginResponse>("/api/v1/sidebar/dev/login", { userid });
}

/** The dev chat picker: the signed-in guide's customers and groups, those with pending work first. */
export function getDevChats(q?: string, signal?: AbortSignal): Promise<DevChats> {
  return http.get<DevChats>("/api/v1/sidebar/dev/chats", { query: { q: q || undefined }, signal });
}

/** The dev bridge's sendMaterial: the server records the send in the WeCom simulator. */
export function devSendChatMessage(
  to: { externalUserid?: string; chatId?: string },
  message: ChatMessage,
): Promise<{ sendid: string }> {
  return http.post<{ sendid: string }>("/api/v1/sidebar/dev/send-chat-message", { ...to, message });
}
