import type { DataSource, EntityManager } from "typeorm";
import { execute, num, placeholders, sqlTime, transactionWithRetry } from "../../db/dialect.ts";
import { ConflictError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { TargetEvent, TargetStatus } from "./campaign.entity.ts";

export interface Actor {
  type: TargetEvent["actorType"];
  id: string | null;
}

/** The target lifecycle of tasks.md; every other change is refused. */
const ALLOWED: Partial<Record<TargetStatus, TargetStatus[]>> = {
  pending: ["sent", "skipped", "failed"],
  sent: ["converted"],
};

export function canMove(from: TargetStatus, to: TargetStatus): boolean {
  return ALLOWED[from]?.includes(to) ?? false;
}

export function assertMove(from: TargetStatus, to: TargetStatus): void {
  if (!canMove(from, to)) throw new ConflictError(`A ${from} target cannot become ${to}`, { from, to });
}

export interface Move {
  from: TargetStatus;
  to: TargetStatus;
  actor: Actor;
  /** stored on the event, and on the target for skipped/failed */
  reason?: string | null;
  /** more columns set with the move: one value for all, or one per target id */
  set?: Record<string, unknown | ((id: number) => unknown)>;
}

/** Marker for "someone changed one of these targets meanwhile": the batch is read again. */
class LostRace extends Error {}

const CHUNK = 500;
const ATTEMPTS = 5;

/**
 * Moves targets from one status to another, set-based, with one target_events row per change and
 * the tasks' pending counts and statuses brought up to date, all in one transaction per chunk.
 * Optimistic: the chunk's targets still in `from` are read, the UPDATE must change exactly those,
 * otherwise another actor won the race and the chunk is read again. Returns the ids moved.
 */
export class TargetMoves {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async move(ids: number[], m: Move): Promise<number[]> {
    assertMove(m.from, m.to);
    const moved: number[] = [];
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += CHUNK) moved.push(...(await this.moveChunk(unique.slice(i, i + CHUNK), m)));
    return moved;
  }

  private async moveChunk(chunk: number[], m: Move): Promise<number[]> {
    for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
      const rows: { id: unknown; task_id: unknown }[] = await this.ds.query(
        `SELECT id, task_id FROM targets WHERE id IN (${placeholders(chunk.length)}) AND status = ?`,
        [...chunk, m.from],
      );
      if (!rows.length) return [];
      const ids = rows.map((r) => num(r.id));
      const taskIds = [...new Set(rows.filter((r) => r.task_id !== null).map((r) => num(r.task_id)))];
      try {
        await transactionWithRetry(this.ds, async (em) => {
          const now = sqlTime(this.clock.now());
          const sets = ["status = ?"];
          const params: unknown[] = [m.to];
          if (m.to === "skipped" || m.to === "failed") {
            sets.push("reason = ?");
            params.push(m.reason ?? null);
          }
          for (const [column, value] of Object.entries(m.set ?? {})) {
            if (typeof value !== "function") {
              sets.push(`${column} = ?`);
              params.push(value);
              continue;
            }
            const per = value as (id: number) => unknown;
            sets.push(`${column} = CASE id ${ids.map(() => "WHEN ? THEN ?").join(" ")} END`);
            for (const id of ids) params.push(id, per(id));
          }
          sets.push("updated_at = ?");
          params.push(now);
          const changed = await execute(
            em,
            `UPDATE targets SET ${sets.join(", ")} WHERE id IN (${placeholders(ids.length)}) AND status = ?`,
            [...params, ...ids, m.from],
          );
          if (changed !== ids.length) throw new LostRace();
          await execute(
            em,
            `INSERT INTO target_events (target_id, from_status, to_status, actor_type, actor_id, reason, created_at)
             SELECT id, ?, ?, ?, ?, ?, ? FROM targets WHERE id IN (${placeholders(ids.length)})`,
            [m.from, m.to, m.actor.type, m.actor.id, m.reason ?? null, now, ...ids],
          );
          await recountTasks(em, taskIds, this.clock.now());
        });
        return ids;
      } catch (err) {
        if (!(err instanceof LostRace)) throw err;
      }
    }
    throw new ConflictError("Targets kept changing while being updated; try again");
  }
}

/**
 * A task's pending count and status from its targets: `done` when none is pending, `overdue`
 * when some are and the due time has passed, `open` otherwise.
 */
export async function recountTasks(db: EntityManager | DataSource, taskIds: number[], now: Date): Promise<void> {
  if (!taskIds.length) return;
  const pending = "(SELECT COUNT(*) FROM targets t WHERE t.task_id = tasks.id AND t.status = 'pending')";
  await execute(
    db,
    `UPDATE tasks SET targets_pending = ${pending},
            status = CASE WHEN ${pending} = 0 THEN 'done' WHEN due_at <= ? THEN 'overdue' ELSE 'open' END,
            updated_at = ?
      WHERE id IN (${placeholders(taskIds.length)})`,
    [sqlTime(now), sqlTime(now), ...taskIds],
  );
}
