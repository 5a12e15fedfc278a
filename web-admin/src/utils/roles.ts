import type { UserRole } from "@/api/types";

/** Headquarters roles: the only ones allowed to change tags or import data. */
export const HQ_ROLES: UserRole[] = ["hq_admin", "hq_operator"];

export function isHqRole(role: UserRole | null | undefined): boolean {
  return !!role && HQ_ROLES.includes(role);
}
