import { z } from "zod";

export const auditListQuery = z
  .object({
    page: z.coerce.number().int().min(1, "must be 1 or more").default(1),
    pageSize: z.coerce.number().int().min(1).max(200, "at most 200").default(50),
    /** a username (or a user id) */
    actor: z.string().trim().min(1).max(64).optional(),
    /** an exact action, or a prefix ending in `.` such as `campaign.` */
    action: z.string().trim().min(1).max(64).optional(),
    from: z.iso.datetime({ offset: true, message: "must be an ISO date-time" }).optional(),
    to: z.iso.datetime({ offset: true, message: "must be an ISO date-time" }).optional(),
  })
  .refine((q) => !q.from || !q.to || new Date(q.from) <= new Date(q.to), {
    path: ["to"],
    message: "must not be before from",
  });
export type AuditListQuery = z.infer<typeof auditListQuery>;

export type AuditActorType = "user" | "staff" | "api_key" | "system" | "cli";

/** One row of the audit page. Details never hold a secret (services record names and masks only). */
export interface AuditEntryView {
  id: number;
  actorType: AuditActorType;
  actorId: string | null;
  /** the username behind a user actor, when known */
  actorName: string | null;
  action: string;
  entity: string | null;
  entityId: string | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  createdAt: string;
}
