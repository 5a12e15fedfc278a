import { http } from "./http";
import type { AuditEntry, AuditQuery } from "./admin-types";
import type { Paged } from "./types";

export function listAudit(query: AuditQuery, signal?: AbortSignal): Promise<Paged<AuditEntry>> {
  return http.get<Paged<AuditEntry>>("/api/v1/audit", { query: { ...query }, signal });
}

export async function listAuditActions(signal?: AbortSignal): Promise<string[]> {
  return (await http.get<{ items: string[] }>("/api/v1/audit/actions", { signal })).items;
}
