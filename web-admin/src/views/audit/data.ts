import type { AuditEntry, AuditQuery } from "@/api/admin-types";

export const PAGE_SIZE = 50;

export interface AuditFilters {
  actor: string;
  action: string;
  /** [from, to] as the date picker gives them (local days), or null */
  range: [Date, Date] | null;
}

export const emptyFilters = (): AuditFilters => ({ actor: "", action: "", range: null });

/** The query for one page: the range covers whole local days, from 00:00 to 23:59:59.999. */
export function buildAuditQuery(filters: AuditFilters, page: number, pageSize = PAGE_SIZE): AuditQuery {
  const query: AuditQuery = { page, pageSize };
  if (filters.actor.trim()) query.actor = filters.actor.trim();
  if (filters.action) query.action = filters.action;
  if (filters.range) {
    const [from, to] = filters.range;
    query.from = new Date(from.getFullYear(), from.getMonth(), from.getDate()).toISOString();
    query.to = new Date(to.getFullYear(), to.getMonth(), to.getDate(), 23, 59, 59, 999).toISOString();
  }
  return query;
}

/** `user 3` → the username when known, else the raw id; other actors by id. */
export function actorLabel(entry: AuditEntry): string {
  return entry.actorName ?? entry.actorId ?? "—";
}

export function targetLabel(entry: AuditEntry): string {
  if (!entry.entity) return "—";
  return entry.entityId ? `${entry.entity} #${entry.entityId}` : entry.entity;
}

/** One line of `key: value` pairs; nested values as compact JSON. */
export function detailsLabel(details: Record<string, unknown> | null): string {
  if (!details || Object.keys(details).length === 0) return "—";
  return Object.entries(details)
    .map(([k, v]) => `${k}: ${typeof v === "string" ? v : JSON.stringify(v)}`)
    .join("; ");
}
