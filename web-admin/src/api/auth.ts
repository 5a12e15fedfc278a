import { http } from "./http";
import type { AuthUserResponse, LoginRequest } from "./types";

export function login(body: LoginRequest): Promise<AuthUserResponse> {
  return http.post<AuthUserResponse>("/api/v1/auth/login", body);
}

export async function logout(): Promise<void> {
  await http.post<unknown>("/api/v1/auth/logout");
}

export function getCurrentUser(): Promise<AuthUserResponse> {
  return http.get<AuthUserResponse>("/api/v1/auth/me");
}
