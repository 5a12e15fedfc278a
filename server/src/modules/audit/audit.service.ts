import { Brackets, In, type DataSource, type EntityManager } from "typeorm";
import type { Clock } from "../../platform/clock.ts";
import { User } from "../auth/user.entity.ts";
import { AuditLog } from "./audit-log.entity.ts";
import type { AuditActorType, AuditEntryView, AuditListQuery } from "./audit.schemas.ts";

/** Who did it: a signed-in user (by id), the CLI, the system, an API key or a staff member. */
export interface AuditActor {
  type: AuditActorType;
  id: string | number | null;
  ip?: string | null;
}

/** What it was done to. */
export interface AuditTarget {
  entity: string;
  id: string | number | null;
}

export const userActor = (user: { id: number }, ip?: string | null): AuditActor => ({ type: "user", id: user.id, ip });

/**
 * The audit log: who changed what, when. Services call `record` on their write paths (inside their
 * transaction when they pass its EntityManager); the admin center reads it through `list`.
 * Older writers record a user actor by username, newer ones by id: `list` resolves both.
 */
export class AuditService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async record(
    actor: AuditActor,
    action: string,
    target: AuditTarget | null,
    details: Record<string, unknown> | null = null,
    em: EntityManager = this.ds.manager,
  ): Promise<void> {
    await em.getRepository(AuditLog).insert({
      actorType: actor.type,
      actorId: actor.id === null ? null : String(actor.id).slice(0, 64),
      action: action.slice(0, 64),
      entity: target?.entity.slice(0, 64) ?? null,
      entityId: target?.id === null || target?.id === undefined ? null : String(target.id).slice(0, 64),
      details: details as Record<string, never> | null,
      ip: actor.ip?.slice(0, 64) ?? null,
      createdAt: this.clock.now(),
    });
  }

  async list(q: AuditListQuery): Promise<{ items: AuditEntryView[]; page: number; pageSize: number; total: number }> {
    const qb = this.ds.getRepository(AuditLog).createQueryBuilder("a");
    if (q.actor) {
      const users = await this.ds
        .getRepository(User)
        .find({ where: /^\d+$/.test(q.actor) ? { id: Number(q.actor) } : { username: q.actor } });
      const ids = [q.actor, ...users.flatMap((u) => [String(u.id), u.username])];
      qb.andWhere("a.actorId IN (:...ids)", { ids: [...new Set(ids)] });
    }
    if (q.action) {
      if (q.action.endsWith("."))
        qb.andWhere("a.action LIKE :prefix ESCAPE '!'", { prefix: `${escapeLike(q.action)}%` });
      else qb.andWhere("a.action = :action", { action: q.action });
    }
    if (q.from) qb.andWhere("a.createdAt >= :from", { from: new Date(q.from) });
    if (q.to) qb.andWhere("a.createdAt <= :to", { to: new Date(q.to) });
    const [rows, total] = await qb
      .orderBy("a.createdAt", "DESC")
      .addOrderBy("a.id", "DESC")
      .skip((q.page - 1) * q.pageSize)
      .take(q.pageSize)
      .getManyAndCount();
    const names = await this.userNames(rows);
    return {
      items: rows.map((r) => ({
        id: r.id,
        actorType: r.actorType,
        actorId: r.actorId,
        actorName: r.actorType === "user" && r.actorId ? (names.get(r.actorId) ?? null) : null,
        action: r.action,
        entity: r.entity,
        entityId: r.entityId,
        details: r.details,
        ip: r.ip,
        createdAt: r.createdAt.toISOString(),
      })),
      page: q.page,
      pageSize: q.pageSize,
      total,
    };
  }

  /** The distinct actions recorded so far, for the page's filter. */
  async actions(): Promise<string[]> {
    const rows: { action: string }[] = await this.ds
      .getRepository(AuditLog)
      .createQueryBuilder("a")
      .select("a.action", "action")
      .distinct(true)
      .orderBy("a.action")
      .getRawMany();
    return rows.map((r) => r.action);
  }

  /** actorId (a user id or a username) → username */
  private async userNames(rows: AuditLog[]): Promise<Map<string, string>> {
    const ids = rows.filter((r) => r.actorType === "user" && r.actorId).map((r) => r.actorId!);
    const numeric = [...new Set(ids.filter((id) => /^\d+$/.test(id)).map(Number))];
    const named = [...new Set(ids.filter((id) => !/^\d+$/.test(id)))];
    const out = new Map<string, string>();
    if (!numeric.length && !named.length) return out;
    const users = await this.ds
      .getRepository(User)
      .createQueryBuilder("u")
      .where(
        new Brackets((w) => {
          if (numeric.length) w.orWhere({ id: In(numeric) });
          if (named.length) w.orWhere({ username: In(named) });
        }),
      )
      .getMany();
    for (const u of users) {
      out.set(String(u.id), u.username);
      out.set(u.username, u.username);
    }
    return out;
  }
}

/** `!` escapes LIKE's wildcards the same way on both databases (a backslash would not) */
const escapeLike = (s: string) => s.replace(/[!%_]/g, (c) => `!${c}`);
