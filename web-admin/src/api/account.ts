import { http } from "./http";
import type { ChangePasswordRequest } from "./admin-types";

/** Changes the signed-in user's password; this session goes on (with a new CSRF token cookie), others end. */
export async function changePassword(body: ChangePasswordRequest): Promise<void> {
  await http.post<{ csrfToken: string }>("/api/v1/auth/password", body);
}
