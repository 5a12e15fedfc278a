import type { Logger } from "pino";
import type { DataSource, EntityManager } from "typeorm";
import {
  dialectOf,
  execute,
  insertIgnore,
  insertIgnoreRows,
  num,
  placeholders,
  readTime,
  sqlTime,
  transactionWithRetry,
} from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import { escapeHtml, formatTime } from "../campaigns/campaign-launch.ts";
import { Campaign } from "../campaigns/campaign.entity.ts";
import type { LaunchReport } from "../campaigns/campaigns.schemas.ts";
import { TargetMoves } from "../campaigns/target-moves.ts";
import type { MaterialContent } from "../materials/material.schemas.ts";
import type { MaterialsService } from "../materials/materials.service.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import { GroupSop } from "./group-sop.entity.ts";
import type { SopRunStatus, SopTargets } from "./group-sops.schemas.ts";
import type { GroupPoster } from "./group-poster.ts";
import { latestOccurrence, nextOccurrence } from "./group-sop-schedule.ts";

/** A run left in `posting` this long ago belongs to a runner that died: it is finished without the bot. */
const STALE_POSTING_MS = 10 * 60_000;

export interface SopOutcome {
  sopId: number;
  occursAt: string | null;
  /** duplicate: another runner (or an earlier run) already created this occurrence */
  outcome: SopRunStatus | "not_due" | "duplicate";
  campaignId?: number;
  tasks?: number;
  groups?: number;
}

/**
 * Turns due SOP occurrences into work, once a minute (job `group-sops`, under a job lease).
 *
 * Each occurrence becomes a running `group_post` campaign of its own, with one task per group
 * owner and one target per group, i.e. exactly what a launched group-post campaign holds: the
 * sidebar shows and sends it, reminders, overdue marking and the campaign pages work unchanged.
 * A campaign per occurrence is needed because tasks are unique per (campaign, staff) and targets
 * per (campaign, group).
 *
 * Idempotent: the occurrence row (unique per SOP and occurrence time) is inserted-or-ignored in
 * the same transaction that creates the campaign, tasks and targets, so a second runner (another
 * instance, a re-run) finds it and creates nothing. After a downtime only the latest missed slot
 * of each SOP is created (the others are counted as skipped); if even its due window has passed
 * it is recorded as missed, without tasks.
 *
 * After the commit: when the SOP lets the bot post and a GroupPoster is wired, the bot posts the
 * rendered material into each group; a post that succeeds marks the target sent (actor system /
 * bot), one that fails leaves it pending with the bot's reason on the target. Then each owner
 * whose task still has pending targets gets the usual task card (dedupe key `task:<id>:assigned`,
 * the campaigns' key, so it goes out once).
 */
export class GroupSopRunner {
  private readonly moves: TargetMoves;
  /** transactions of this runner one after the other (SQLite shares one connection per process) */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    private readonly materials: Pick<MaterialsService, "render" | "countUse">,
    private readonly notifications: Pick<NotificationService, "sendTextCard"> | null,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** where the task card links, e.g. https://siyu.example.com */
    private readonly publicUrl: string,
    private readonly poster: GroupPoster | null = null,
  ) {
    this.moves = new TargetMoves(ds, clock);
  }

  /** Every enabled SOP whose next slot has come, then any occurrence a crashed runner left unfinished. */
  async runDue(signal?: AbortSignal): Promise<SopOutcome[]> {
    const now = this.clock.now();
    const due: { id: unknown }[] = await this.ds.query(
      "SELECT id FROM group_sops WHERE enabled = 1 AND next_run_at IS NOT NULL AND next_run_at <= ? ORDER BY id",
      [sqlTime(now)],
    );
    const out: SopOutcome[] = [];
    for (const r of due) {
      if (signal?.aborted) break;
      try {
        out.push(await this.runOne(num(r.id)));
      } catch (err) {
        this.log.error({ err, sopId: num(r.id) }, "group SOP occurrence failed");
      }
    }
    const stale = sqlTime(new Date(now.getTime() - STALE_POSTING_MS));
    const left: { id: unknown }[] = await this.ds.query(
      "SELECT id FROM group_sop_runs WHERE status = 'created' OR (status = 'posting' AND updated_at <= ?) ORDER BY id",
      [stale],
    );
    for (const r of left) {
      if (signal?.aborted) break;
      await this.finish(num(r.id)).catch((err) =>
        this.log.error({ err, runId: num(r.id) }, "group SOP occurrence not finished"),
      );
    }
    return out;
  }

  async runOne(sopId: number): Promise<SopOutcome> {
    const created = await this.oneAtATime(() => transactionWithRetry(this.ds, (em) => this.create(em, sopId)));
    if (created.runId) await this.finish(created.runId);
    return created.outcome;
  }

  /** The occurrence's rows, in the caller's transaction. */
  private async create(em: EntityManager, sopId: number): Promise<{ outcome: SopOutcome; runId?: number }> {
    const now = this.clock.now();
    const sop = await em.getRepository(GroupSop).findOneBy({ id: sopId });
    const since = readTime(sop?.nextRunAt);
    if (!sop || !sop.enabled || !since || since.getTime() > now.getTime())
      return { outcome: { sopId, occursAt: null, outcome: "not_due" } };
    const slot = latestOccurrence(sop.schedule, since, now);
    // the next slot after now, moved only from the value read (a concurrent edit wins)
    const next = nextOccurrence(sop.schedule, now);
    await execute(em, "UPDATE group_sops SET next_run_at = ? WHERE id = ? AND next_run_at = ?", [
      next ? sqlTime(next) : null,
      sopId,
      sqlTime(since),
    ]);
    if (!slot) return { outcome: { sopId, occursAt: null, outcome: "not_due" } };
    const at = slot.at;
    const dueAt = new Date(at.getTime() + sop.dueHours * 3600_000);
    const claimed = await execute(
      em,
      `${insertIgnore(dialectOf(em))} INTO group_sop_runs (sop_id, occurs_at, status, campaign_id, group_count, task_count,
              skipped_slots, bot_posted, bot_failed, error, created_at, updated_at)
       VALUES (?, ?, 'created', NULL, 0, 0, ?, 0, 0, NULL, ?, ?)`,
      [sopId, sqlTime(at), slot.skipped, sqlTime(now), sqlTime(now)],
    );
    if (!claimed) return { outcome: { sopId, occursAt: at.toISOString(), outcome: "duplicate" } };
    const [run] = await em.query("SELECT id FROM group_sop_runs WHERE sop_id = ? AND occurs_at = ?", [
      sopId,
      sqlTime(at),
    ]);
    const runId = num(run.id);
    const close = async (status: SopRunStatus, fields: { error?: string; campaignId?: number } = {}) => {
      await execute(
        em,
        "UPDATE group_sop_runs SET status = ?, error = ?, campaign_id = ?, updated_at = ? WHERE id = ?",
        [status, fields.error ?? null, fields.campaignId ?? null, sqlTime(now), runId],
      );
      return { sopId, occursAt: at.toISOString(), outcome: status };
    };

    if (dueAt.getTime() <= now.getTime())
      return { outcome: await close("missed", { error: "the due window had passed when the occurrence was found" }) };
    const [material] = await em.query("SELECT id, archived_at FROM materials WHERE id = ?", [sop.materialId]);
    if (!material || material.archived_at)
      return { outcome: await close("failed", { error: `material ${sop.materialId} no longer exists` }) };
    const groups = await this.groups(em, sop.targets);
    if (!groups.length) return { outcome: await close("empty") };

    const owners = [...new Set(groups.map((g) => g.ownerId))].sort((a, b) => a - b);
    const stamp = sqlTime(now);
    const report: LaunchReport = {
      launchedAt: now.toISOString(),
      launchedBy: null,
      audience: 0,
      excluded: { deleted_all_staff: 0, do_not_disturb: 0, frequency_cap: 0, mass_send_same_day: 0 },
      unassignable: 0,
      control: 0,
      targets: groups.length,
      tasks: owners.length,
      variants: { A: groups.length },
    };
    const campaign = await em.getRepository(Campaign).save({
      name: `${sop.name} · ${formatTime(at)}`.slice(0, 100),
      goal: `群SOP #${sop.id}`,
      status: "running" as const,
      channel: "group_post" as const,
      segmentId: null,
      // the groups are the audience: no customer rule (launch never runs for this campaign)
      audienceRule: { any: [] },
      audienceListId: null,
      materials: [{ variant: "A", materialId: sop.materialId, share: 100 }],
      scope: { staffIds: owners },
      startAt: at,
      deadlineAt: dueAt,
      reminders: [],
      // nothing to convert on a group post: the campaign finishes at its deadline
      conversionWindowDays: 0,
      holdoutBp: 0,
      assignmentRule: "first_added" as const,
      seed: 0,
      automationId: null,
      launchReport: report as unknown as Record<string, unknown>,
      createdBy: sop.createdBy,
      launchedAt: now,
      createdAt: now,
      updatedAt: now,
    });
    const perOwner = new Map<number, number>();
    for (const g of groups) perOwner.set(g.ownerId, (perOwner.get(g.ownerId) ?? 0) + 1);
    await insertIgnoreRows(
      em,
      "tasks",
      [
        "campaign_id",
        "staff_id",
        "status",
        "due_at",
        "targets_total",
        "targets_pending",
        "wecom_msgid",
        "notified_at",
        "reminders_sent",
        "created_at",
        "updated_at",
      ],
      owners.map((o) => [
        campaign.id,
        o,
        "open",
        sqlTime(dueAt),
        perOwner.get(o)!,
        perOwner.get(o)!,
        null,
        null,
        null,
        stamp,
        stamp,
      ]),
    );
    const tasks: { id: unknown; staff_id: unknown }[] = await em.query(
      "SELECT id, staff_id FROM tasks WHERE campaign_id = ?",
      [campaign.id],
    );
    const taskOf = new Map(tasks.map((t) => [num(t.staff_id), num(t.id)]));
    await insertIgnoreRows(
      em,
      "targets",
      [
        "campaign_id",
        "task_id",
        "staff_id",
        "customer_id",
        "group_id",
        "status",
        "is_control",
        "variant",
        "reason",
        "sent_at",
        "converted_at",
        "conversion_order_id",
        "revenue_cents",
        "created_at",
        "updated_at",
      ],
      groups.map((g) => [
        campaign.id,
        taskOf.get(g.ownerId)!,
        g.ownerId,
        null,
        g.id,
        "pending",
        0,
        "A",
        null,
        null,
        null,
        null,
        0,
        stamp,
        stamp,
      ]),
    );
    await execute(em, "UPDATE group_sop_runs SET group_count = ?, task_count = ? WHERE id = ?", [
      groups.length,
      owners.length,
      runId,
    ]);
    await close("created", { campaignId: campaign.id });
    return {
      runId,
      outcome: {
        sopId,
        occursAt: at.toISOString(),
        outcome: "created",
        campaignId: campaign.id,
        tasks: owners.length,
        groups: groups.length,
      },
    };
  }

  /** Active groups of the SOP whose owner is an active staff member. */
  private async groups(em: EntityManager, t: SopTargets): Promise<{ id: number; ownerId: number }[]> {
    const [cond, ids] =
      t.kind === "groups"
        ? [`g.id IN (${placeholders(t.groupIds.length)})`, t.groupIds]
        : t.kind === "owners"
          ? [`g.owner_staff_id IN (${placeholders(t.staffIds.length)})`, t.staffIds]
          : [
              `g.owner_staff_id IN (SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${placeholders(t.storeIds.length)}))`,
              t.storeIds,
            ];
    const rows: { id: unknown; owner_staff_id: unknown }[] = await em.query(
      `SELECT g.id, g.owner_staff_id FROM customer_groups g JOIN staff s ON s.id = g.owner_staff_id
        WHERE g.status = 'active' AND s.status = 'active' AND ${cond} ORDER BY g.id`,
      ids,
    );
    return rows.map((r) => ({ id: num(r.id), ownerId: num(r.owner_staff_id) }));
  }

  /**
   * Bot posts (claimed created → posting, so a post is never tried twice), then the owners'
   * task cards, then done. A run found stale in `posting` is finished without posting again.
   */
  async finish(runId: number): Promise<void> {
    const [run] = await this.ds.query(
      `SELECT r.id, r.status, r.campaign_id, s.bot_auto_post, s.material_id, s.name
         FROM group_sop_runs r LEFT JOIN group_sops s ON s.id = r.sop_id WHERE r.id = ?`,
      [runId],
    );
    if (!run || !run.campaign_id) return;
    const campaignId = num(run.campaign_id);
    const now = () => sqlTime(this.clock.now());
    const claimed = await execute(
      this.ds,
      "UPDATE group_sop_runs SET status = 'posting', updated_at = ? WHERE id = ? AND status = 'created'",
      [now(), runId],
    );
    if (claimed && num(run.bot_auto_post) && this.poster) {
      const { posted, failed } = await this.botPost(campaignId, num(run.material_id));
      await execute(this.ds, "UPDATE group_sop_runs SET bot_posted = ?, bot_failed = ?, updated_at = ? WHERE id = ?", [
        posted,
        failed,
        now(),
        runId,
      ]);
    }
    await this.notify(campaignId);
    await execute(
      this.ds,
      "UPDATE group_sop_runs SET status = 'done', updated_at = ? WHERE id = ? AND status = 'posting'",
      [now(), runId],
    );
  }

  private async botPost(campaignId: number, materialId: number): Promise<{ posted: number; failed: number }> {
    const targets: { id: unknown; group_id: unknown; staff_id: unknown }[] = await this.ds.query(
      "SELECT id, group_id, staff_id FROM targets WHERE campaign_id = ? AND status = 'pending' ORDER BY id",
      [campaignId],
    );
    let posted = 0;
    let failed = 0;
    for (const t of targets) {
      const targetId = num(t.id);
      let reason: string | undefined;
      try {
        const text = botText(await this.materials.render(materialId, null, num(t.staff_id)));
        if (text === null) reason = "the bot posts text or link materials only";
        else {
          const r = await this.poster!.post(num(t.group_id), text);
          if (!r.ok) reason = r.reason || "the bot could not post";
        }
      } catch (err) {
        reason = err instanceof Error ? err.message : String(err);
        this.log.warn({ err, targetId }, "the bot could not post an SOP");
      }
      if (reason === undefined) {
        await this.moves.move([targetId], {
          from: "pending",
          to: "sent",
          actor: { type: "system", id: "bot" },
          reason: "posted by the group bot",
          set: { sent_at: sqlTime(this.clock.now()) },
        });
        posted++;
      } else {
        // the owner's task stays open; the target says why the bot did not post
        await execute(this.ds, "UPDATE targets SET reason = ?, updated_at = ? WHERE id = ? AND status = 'pending'", [
          `bot: ${reason}`.slice(0, 255),
          sqlTime(this.clock.now()),
          targetId,
        ]);
        failed++;
      }
    }
    if (posted) await this.materials.countUse(materialId);
    return { posted, failed };
  }

  /** The campaigns' task card, to each owner whose task still has pending groups. */
  private async notify(campaignId: number): Promise<void> {
    if (!this.notifications) return;
    const [c] = await this.ds.query("SELECT name, deadline_at FROM campaigns WHERE id = ?", [campaignId]);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT k.id, k.targets_pending, s.userid,
              (SELECT COUNT(*) FROM targets t WHERE t.task_id = k.id AND t.status = 'pending' AND t.reason IS NOT NULL) AS bot_failed
         FROM tasks k JOIN staff s ON s.id = k.staff_id
        WHERE k.campaign_id = ? AND k.notified_at IS NULL AND k.targets_pending > 0 ORDER BY k.id`,
      [campaignId],
    );
    const deadline = formatTime(readTime(c.deadline_at)!);
    for (const t of rows) {
      const taskId = num(t.id);
      const botNote = num(t.bot_failed)
        ? `<div class="highlight">机器人未能发布 ${num(t.bot_failed)} 个群，请手动发布</div>`
        : "";
      try {
        const r = await this.notifications.sendTextCard(
          "task_assigned",
          [String(t.userid)],
          {
            title: `新任务：${String(c.name)}`.slice(0, 40),
            description: `<div class="normal">${escapeHtml(`${num(t.targets_pending)} 个客户群待发布`)}</div>${botNote}<div class="gray">截止 ${deadline}</div>`,
            url: `${this.publicUrl}/sidebar/tasks/${taskId}`,
            btntxt: "查看",
          },
          `task:${taskId}:assigned`,
        );
        if (r.status === "sent" || r.status === "partial")
          await execute(this.ds, "UPDATE tasks SET notified_at = ? WHERE id = ?", [sqlTime(this.clock.now()), taskId]);
      } catch (err) {
        this.log.warn({ err, taskId }, "SOP task notification failed");
      }
    }
  }

  private oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** What the bot posts for a rendered material: a text, or a link written out; null for the rest. */
export function botText(m: MaterialContent): string | null {
  if (m.type === "text") return m.text;
  if (m.type === "link") return [m.text, m.title, m.desc, m.url].filter((x) => x && x.trim()).join("\n");
  return null;
}
