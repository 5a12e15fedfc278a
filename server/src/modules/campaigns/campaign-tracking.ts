import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { dialectOf, execute, num, placeholders, readTime, sqlTime } from "../../db/dialect.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import type { SendResultItem } from "../../wecom/wecom-types.ts";
import type { TargetStatus } from "./campaign.entity.ts";
import { escapeHtml, formatTime, type CampaignWecom } from "./campaign-launch.ts";
import { conversionsSql } from "./campaign-sql.ts";
import { assertMove, TargetMoves, type Move } from "./target-moves.ts";

/** WeCom is still dispatching a fresh mass send: ask again later (wecom.md §5.1). */
const STILL_DISPATCHING = 41063;
const FAIL_REASONS: Record<number, string> = {
  2: "not a contact of the staff member any more",
  3: "already received a mass send today",
};
const BATCH = 1000;

export interface MassSendReadout {
  read: number;
  sent: number;
  failed: number;
  later: number;
  errors: number;
}

/**
 * What happens to targets and tasks after launch: the guide's sidebar actions, WeCom's mass-send
 * results, conversions from orders, overdue tasks and reminders. Every target change goes through
 * TargetMoves (allowed transitions only, one target_events row each, task counters kept).
 */
export class CampaignTracking {
  private readonly moves: TargetMoves;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly wecom: CampaignWecom | null,
    private readonly publicUrl: string,
  ) {
    this.moves = new TargetMoves(ds, clock);
  }

  // ---- the guide's actions (sidebar) ----

  /** The guide sent the material and WeCom confirmed it. 404 unless the target is in their task. */
  async markSent(targetId: number, staffId: number): Promise<void> {
    const now = sqlTime(this.clock.now());
    await this.staffMove(targetId, staffId, {
      from: "pending",
      to: "sent",
      actor: { type: "staff", id: String(staffId) },
      set: { sent_at: now },
    });
  }

  async skip(targetId: number, staffId: number, reason: string): Promise<void> {
    if (!reason.trim())
      throw new ValidationError("A skipped target needs a reason", [{ field: "reason", reason: "is required" }]);
    await this.staffMove(targetId, staffId, {
      from: "pending",
      to: "skipped",
      actor: { type: "staff", id: String(staffId) },
      reason: reason.trim().slice(0, 255),
    });
  }

  private async staffMove(targetId: number, staffId: number, move: Move): Promise<void> {
    const [row] = await this.ds.query(
      `SELECT t.status FROM targets t JOIN tasks k ON k.id = t.task_id WHERE t.id = ? AND k.staff_id = ?`,
      [targetId, staffId],
    );
    if (!row) throw new NotFoundError("No such target");
    const status = row.status as TargetStatus;
    assertMove(status, move.to);
    if (status !== move.from) throw new ConflictError(`A ${status} target cannot become ${move.to}`);
    const moved = await this.moves.move([targetId], move);
    if (!moved.length) throw new ConflictError("The target changed meanwhile; reload it");
  }

  // ---- jobs ----

  /**
   * Every 5 minutes: tasks past their due time with pending targets become overdue; pending
   * targets left in cancelled campaigns are skipped; campaigns whose measurement period (deadline
   * plus conversion window) is over become finished.
   */
  async runOverdue(): Promise<{ overdue: number; finished: number; skipped: number }> {
    const now = this.clock.now();
    const overdue = await execute(
      this.ds,
      "UPDATE tasks SET status = 'overdue', updated_at = ? WHERE status = 'open' AND due_at <= ? AND targets_pending > 0",
      [sqlTime(now), sqlTime(now)],
    );
    const leftovers: { id: unknown }[] = await this.ds.query(
      `SELECT t.id FROM targets t JOIN campaigns c ON c.id = t.campaign_id WHERE c.status = 'cancelled' AND t.status = 'pending'`,
    );
    const skipped = await this.moves.move(
      leftovers.map((r) => num(r.id)),
      { from: "pending", to: "skipped", actor: { type: "system", id: null }, reason: "campaign cancelled" },
    );
    let finished = 0;
    const ending: Record<string, unknown>[] = await this.ds.query(
      "SELECT id, deadline_at, conversion_window_days FROM campaigns WHERE status IN ('running', 'paused') AND deadline_at <= ?",
      [sqlTime(now)],
    );
    for (const c of ending) {
      const end = readTime(c.deadline_at)!.getTime() + num(c.conversion_window_days) * 86_400_000;
      if (end > now.getTime()) continue;
      finished += await execute(
        this.ds,
        "UPDATE campaigns SET status = 'finished', updated_at = ? WHERE id = ? AND status IN ('running', 'paused')",
        [sqlTime(now), num(c.id)],
      );
    }
    return { overdue, finished, skipped: skipped.length };
  }

  /**
   * Every 5 minutes: a reminder goes to each staff member whose task of a running campaign still
   * has pending targets, once per configured hour mark (24 h, 2 h … before the deadline). When
   * several marks are due at once (the job was down), only the nearest to the deadline is sent.
   * The dedupe key `task:<id>:reminder:<h>h` makes each go out once across instances.
   */
  async runReminders(): Promise<{ sent: number }> {
    if (!this.wecom) return { sent: 0 };
    const now = this.clock.now();
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT k.id, k.due_at, k.targets_pending, k.reminders_sent, s.userid, c.id AS campaign_id, c.name, c.reminders, c.channel
         FROM tasks k JOIN campaigns c ON c.id = k.campaign_id JOIN staff s ON s.id = k.staff_id
        WHERE c.status = 'running' AND k.status = 'open' AND k.targets_pending > 0 AND k.due_at > ? AND k.due_at <= ?
        ORDER BY k.id`,
      [sqlTime(now), sqlTime(new Date(now.getTime() + 721 * 3600_000))],
    );
    let sent = 0;
    for (const r of rows) {
      const taskId = num(r.id);
      const due = readTime(r.due_at)!;
      const done = new Set(json<string[]>(r.reminders_sent) ?? []);
      const marks = (json<number[]>(r.reminders) ?? []).filter(
        (h) => due.getTime() - h * 3600_000 <= now.getTime() && !done.has(`${h}h`),
      );
      if (!marks.length) continue;
      const h = Math.min(...marks);
      try {
        if (await this.sendReminder(r, `task:${taskId}:reminder:${h}h`)) sent++;
      } catch (err) {
        this.log.warn({ err, taskId }, "reminder not sent");
        continue;
      }
      for (const m of marks) done.add(`${m}h`);
      await execute(this.ds, "UPDATE tasks SET reminders_sent = ?, updated_at = ? WHERE id = ?", [
        JSON.stringify([...done]),
        sqlTime(now),
        taskId,
      ]);
      if (r.channel === "mass_send") await this.remindMassSends(taskId);
    }
    return { sent };
  }

  /**
   * "Remind now" from the campaign page: one reminder to each staff member whose task of this
   * running campaign still has pending targets. The dedupe key holds for ten minutes, so a double
   * click or a second instance sends nothing more.
   */
  async remindNow(campaignId: number): Promise<{ reminded: number; tasks: number }> {
    const [c] = await this.ds.query("SELECT status FROM campaigns WHERE id = ?", [campaignId]);
    if (c?.status !== "running")
      throw new ConflictError("Only a running campaign can send reminders", { status: c?.status ?? null });
    if (!this.wecom) return { reminded: 0, tasks: 0 };
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT k.id, k.due_at, k.targets_pending, s.userid, c.name, c.channel
         FROM tasks k JOIN campaigns c ON c.id = k.campaign_id JOIN staff s ON s.id = k.staff_id
        WHERE c.id = ? AND k.status IN ('open', 'overdue') AND k.targets_pending > 0
        ORDER BY k.id`,
      [campaignId],
    );
    const slot = Math.floor(this.clock.now().getTime() / 600_000);
    let reminded = 0;
    for (const r of rows) {
      try {
        if (await this.sendReminder(r, `task:${num(r.id)}:remind-now:${slot}`)) reminded++;
      } catch (err) {
        this.log.warn({ err, taskId: num(r.id) }, "reminder not sent");
      }
    }
    return { reminded, tasks: rows.length };
  }

  /** The reminder card: how many are left and the deadline; false when deduplicated or failed. */
  private async sendReminder(r: Record<string, unknown>, dedupeKey: string): Promise<boolean> {
    const pending = num(r.targets_pending);
    const due = readTime(r.due_at);
    const outcome = await this.wecom!.notifications.sendTextCard(
      "reminder",
      [String(r.userid)],
      {
        title: `任务提醒：${String(r.name)}`.slice(0, 40),
        description: `<div class="highlight">${escapeHtml(
          r.channel === "group_post" ? `还有 ${pending} 个客户群待发布` : `还有 ${pending} 位客户待联系`,
        )}</div>${due ? `<div class="gray">截止 ${formatTime(due)}</div>` : ""}`,
        url: `${this.publicUrl}/sidebar/tasks/${num(r.id)}`,
        btntxt: "查看",
      },
      dedupeKey,
    );
    return outcome.status !== "duplicate" && outcome.status !== "failed";
  }

  /** WeCom's own nudge for unconfirmed mass sends (≤ 3 per 24 h; 41094 beyond is ignored). */
  private async remindMassSends(taskId: number): Promise<void> {
    const sends: { msgid: string }[] = await this.ds.query(
      "SELECT msgid FROM campaign_mass_sends WHERE task_id = ? AND status = 'created' AND msgid IS NOT NULL",
      [taskId],
    );
    for (const s of sends)
      await this.wecom!.client.remindGroupmsgSend(s.msgid).catch((err: unknown) =>
        this.log.info({ err, msgid: s.msgid }, "mass-send reminder refused"),
      );
  }

  /**
   * Every 10 minutes (or now, for one campaign): reads back each created mass send of a running or
   * paused campaign. For a member who has sent it: status 1 → sent (sent_at = send_time),
   * 2 → failed (not a contact), 3 → failed (already received a mass send today). 41063 (still
   * dispatching) is left for the next run. A mass send with no unsent recipient left is done.
   */
  async readMassSendResults(campaignId?: number): Promise<MassSendReadout> {
    const out: MassSendReadout = { read: 0, sent: 0, failed: 0, later: 0, errors: 0 };
    if (!this.wecom) return out;
    const client = this.wecom.client;
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT m.id, m.msgid, m.task_id, s.userid
         FROM campaign_mass_sends m JOIN campaigns c ON c.id = m.campaign_id JOIN staff s ON s.id = m.staff_id
        WHERE m.status = 'created' AND m.msgid IS NOT NULL AND c.status IN ('running', 'paused')${campaignId ? " AND m.campaign_id = ?" : ""}
        ORDER BY m.id`,
      campaignId ? [campaignId] : [],
    );
    for (const row of rows) {
      const msgid = String(row.msgid);
      const userid = String(row.userid);
      const taskId = num(row.task_id);
      try {
        let member: { status: number } | undefined;
        let cursor: string | undefined;
        do {
          const page = await client.getGroupmsgTask(msgid, cursor);
          member ??= page.task_list.find((t) => t.userid.toLowerCase() === userid.toLowerCase());
          cursor = page.next_cursor || undefined;
        } while (cursor && !member);
        const results: SendResultItem[] = [];
        if (member && member.status !== 0) {
          cursor = undefined;
          do {
            const page = await client.getGroupmsgSendResult(msgid, userid, cursor);
            results.push(...page.send_list);
            cursor = page.next_cursor || undefined;
          } while (cursor);
        }
        out.read++;
        const outcome = await this.applyResults(taskId, results);
        out.sent += outcome.sent;
        out.failed += outcome.failed;
        const finished = member && member.status !== 0 && !results.some((r) => r.status === 0);
        await execute(
          this.ds,
          "UPDATE campaign_mass_sends SET status = ?, results_read_at = ?, updated_at = ? WHERE id = ?",
          [finished ? "done" : "created", sqlTime(this.clock.now()), sqlTime(this.clock.now()), num(row.id)],
        );
      } catch (err) {
        if (err instanceof WecomError && err.errcode === STILL_DISPATCHING) out.later++;
        else {
          out.errors++;
          this.log.warn({ err, msgid }, "mass-send results not read");
        }
      }
    }
    return out;
  }

  private async applyResults(taskId: number, results: SendResultItem[]): Promise<{ sent: number; failed: number }> {
    const byExternal = new Map(results.filter((r) => r.external_userid).map((r) => [r.external_userid!, r]));
    if (!byExternal.size) return { sent: 0, failed: 0 };
    const pending = new Map<string, number>();
    const externals = [...byExternal.keys()];
    for (let i = 0; i < externals.length; i += BATCH) {
      const part = externals.slice(i, i + BATCH);
      const rows: { id: unknown; external_userid: string }[] = await this.ds.query(
        `SELECT t.id, c.external_userid FROM targets t JOIN customers c ON c.id = t.customer_id
          WHERE t.task_id = ? AND t.status = 'pending' AND c.external_userid IN (${placeholders(part.length)})`,
        [taskId, ...part],
      );
      for (const r of rows) pending.set(r.external_userid, num(r.id));
    }
    // one move per outcome (and per send time for sent ones)
    const groups = new Map<string, { ids: number[]; move: Move }>();
    for (const [ext, targetId] of pending) {
      const r = byExternal.get(ext)!;
      let key: string;
      let move: Move;
      if (r.status === 1) {
        const at = new Date((r.send_time ?? Math.floor(this.clock.now().getTime() / 1000)) * 1000);
        key = `sent:${at.getTime()}`;
        move = { from: "pending", to: "sent", actor: { type: "wecom", id: null }, set: { sent_at: sqlTime(at) } };
      } else if (FAIL_REASONS[r.status]) {
        key = `failed:${r.status}`;
        move = { from: "pending", to: "failed", actor: { type: "wecom", id: null }, reason: FAIL_REASONS[r.status] };
      } else continue;
      const g = groups.get(key) ?? { ids: [], move };
      g.ids.push(targetId);
      groups.set(key, g);
    }
    let sent = 0;
    let failed = 0;
    for (const g of groups.values()) {
      const moved = (await this.moves.move(g.ids, g.move)).length;
      if (g.move.to === "sent") sent += moved;
      else failed += moved;
    }
    return { sent, failed };
  }

  /**
   * Every 10 minutes (or now, for one campaign): a sent target converts on its customer's first
   * qualifying order — paid, net amount (amount − refund) > 0, sent_at < paid_at ≤ sent_at +
   * conversion window. Records the order, its time and its net amount. Idempotent: converted
   * targets are no longer `sent`.
   */
  async runConversions(campaignId?: number): Promise<{ converted: number }> {
    let converted = 0;
    let afterId = 0;
    const dialect = dialectOf(this.ds);
    for (;;) {
      const stmt = conversionsSql(dialect, { afterId, now: sqlTime(this.clock.now()), campaignId, limit: BATCH });
      const rows: Record<string, unknown>[] = await this.ds.query(stmt.text, stmt.params);
      if (!rows.length) break;
      const found = new Map(
        rows.map((r) => [
          num(r.target_id),
          { orderId: num(r.order_id), paidAt: sqlTime(readTime(r.paid_at)!), net: num(r.net) },
        ]),
      );
      const moved = await this.moves.move([...found.keys()], {
        from: "sent",
        to: "converted",
        actor: { type: "system", id: null },
        reason: null,
        set: {
          conversion_order_id: (id: number) => found.get(id)!.orderId,
          converted_at: (id: number) => found.get(id)!.paidAt,
          revenue_cents: (id: number) => found.get(id)!.net,
        },
      });
      converted += moved.length;
      afterId = Math.max(...found.keys());
      if (rows.length < BATCH) break;
    }
    return { converted };
  }
}

function json<T>(v: unknown): T | null {
  if (v === null || v === undefined) return null;
  if (typeof v !== "string") return v as T;
  try {
    return JSON.parse(v) as T;
  } catch {
    return null;
  }
}
