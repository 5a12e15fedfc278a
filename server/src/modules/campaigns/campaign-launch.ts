import type { Logger } from "pino";
import type { DataSource, EntityManager } from "typeorm";
import { z } from "zod";
import { dialectOf, execute, num, placeholders, readTime, sqlTime, transactionWithRetry } from "../../db/dialect.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { TIMEOUT, WecomError } from "../../wecom/wecom-error.ts";
import type { TextCard } from "../../wecom/wecom-types.ts";
import { AudienceList } from "../audience-lists/audience-list.entity.ts";
import { listMembersSql } from "../audience-lists/audience-list-sql.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import type { MaterialsService } from "../materials/materials.service.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import { Segment } from "../segments/segment.entity.ts";
import type { Rule } from "../segments/segment-rule.ts";
import type { SegmentsService } from "../segments/segments.service.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { Campaign } from "./campaign.entity.ts";
import {
  claimSql,
  launchStatements,
  shanghaiDay,
  type AssignmentRule,
  type LaunchPlan,
  type Stmt,
} from "./campaign-sql.ts";
import type { CampaignScope, LaunchReport, MaterialVariant } from "./campaigns.schemas.ts";
import type { CampaignsService } from "./campaigns.service.ts";
import { massSendContent, massSendKey, type MassSendContent } from "./mass-send-content.ts";
import { massSendRecipients } from "./mass-send-recipients.ts";
import { TargetMoves } from "./target-moves.ts";

export const FREQUENCY_CAP_SETTING = "campaigns.frequencyCap";
const frequencyCapSchema = z.object({
  maxTargets: z.number().int().min(1).max(100),
  days: z.number().int().min(1).max(365),
});
export type FrequencyCap = z.infer<typeof frequencyCapSchema>;
export const DEFAULT_FREQUENCY_CAP: FrequencyCap = { maxTargets: 1, days: 3 };

export interface CampaignWecom {
  client: WecomClient;
  notifications: NotificationService;
}

export interface LaunchResult {
  id: number;
  status: "running";
  report: LaunchReport;
}

/**
 * Launching a campaign exactly as tasks.md describes it. The campaign is claimed first with a
 * conditional UPDATE (draft → running) inside the launch transaction, so a second launcher, on
 * this instance or another, waits for the first and then finds nothing to claim (409). Inside the
 * same transaction, set-based statements (campaign-sql.ts) freeze the audience into
 * campaign_audience together with each member's exclusion reason and owner (a window function),
 * create one task per staff member, insert the targets with their task, holdout and variant, and
 * plan the mass sends; INSERT-or-ignore on the unique keys of
 * targets and tasks makes a second target or task for the same (campaign, customer) impossible
 * even if two transactions raced. After the commit, mass sends are created in WeCom and staff and
 * store managers are notified; failures there are recorded in the launch report, never undone.
 */
export class CampaignLaunch {
  private readonly moves: TargetMoves;
  /**
   * Launch transactions of this instance run one after the other. On SQLite every transaction of
   * a process shares one connection, where a second concurrent transaction would nest as a
   * savepoint inside the first (a double-clicked launch); one queue keeps them apart.
   */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly ds: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly segments: SegmentsService,
    private readonly materials: MaterialsService,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly wecom: CampaignWecom | null,
    /** where links in notifications point, e.g. https://siyu.example.com */
    private readonly publicUrl: string,
  ) {
    this.moves = new TargetMoves(ds, clock);
  }

  async launch(id: number, user: UserView | null): Promise<LaunchResult> {
    const draft = user ? await this.campaigns.manageable(id, user) : await this.load(id);
    if (draft.status !== "draft") throw new ConflictError(`Campaign was already launched (it is ${draft.status})`);
    const now = this.clock.now();
    if (readTime(draft.deadlineAt)!.getTime() <= now.getTime())
      throw new ConflictError("The campaign's deadline has passed; edit the deadline first");
    const problems = await this.campaigns.checkMaterials(draft.channel, draft.materials as MaterialVariant[]);
    if (problems.length) throw new ValidationError("The campaign's materials can no longer be used", problems);
    if (draft.channel === "mass_send" && !this.wecom)
      throw new ConflictError("A mass send needs WeCom, which is not configured");
    const frequencyCap = await this.frequencyCap(now);

    const { c, report } = await this.oneAtATime(() =>
      transactionWithRetry(this.ds, async (em) => {
        const claim = claimSql(id, sqlTime(now));
        if (!(await execute(em, claim.text, claim.params))) throw new ConflictError("Campaign was already launched");
        // the row as claimed (an edit saved just before the claim is what launches)
        const c = await em.getRepository(Campaign).findOneByOrFail({ id });
        const plan: LaunchPlan = {
          campaignId: c.id,
          channel: c.channel,
          scope: (c.scope ?? {}) as CampaignScope,
          rule: c.assignmentRule as AssignmentRule,
          seed: c.seed,
          holdoutBp: c.holdoutBp,
          materials: c.materials as MaterialVariant[],
          members: await this.members(em, c),
          // automations freeze their audience themselves before they launch
          prefrozen:
            (await em.query("SELECT 1 AS x FROM campaign_audience WHERE campaign_id = ? LIMIT 1", [c.id])).length > 0,
          now: sqlTime(now),
          dueAt: sqlTime(readTime(c.deadlineAt)!),
          frequencyCap,
          day: (({ from, to }) => ({ from: sqlTime(from), to: sqlTime(to) }))(shanghaiDay(now)),
        };
        for (const stmt of launchStatements(dialectOf(em), plan)) await execute(em, stmt.text, stmt.params);
        const report = await this.report(em, c, now, user?.id ?? null);
        await execute(em, "UPDATE campaigns SET launch_report = ? WHERE id = ?", [JSON.stringify(report), c.id]);
        return { c, report };
      }),
    );
    const variants = c.materials as MaterialVariant[];
    this.log.info({ campaignId: c.id, targets: report.targets, tasks: report.tasks }, "campaign launched");

    // after the commit: nothing here may undo or fail the launch
    try {
      for (const materialId of new Set(variants.map((v) => v.materialId))) await this.materials.countUse(materialId);
      if (c.channel === "mass_send") report.massSends = await this.createMassSends(c.id);
      report.notifications = await this.notify(c);
      await execute(this.ds, "UPDATE campaigns SET launch_report = ? WHERE id = ?", [JSON.stringify(report), c.id]);
    } catch (err) {
      this.log.error({ err, campaignId: c.id }, "after-launch work failed");
    }
    return { id: c.id, status: "running", report };
  }

  /**
   * Creates the WeCom mass sends planned at launch and not created yet: one add_msg_template per
   * task, variant and slice of ≤ 10 000 recipients, sender = the staff member, text = the
   * material rendered with the staff member's context (mass-send materials carry no customer
   * variables, checked when the campaign is saved and launched). Customers in fail_list become
   * failed targets. A row is claimed (pending → creating) before the call, so two instances never
   * create the same mass send. A call that timed out leaves the row `unconfirmed`, and a row left
   * `creating` by a process that died is taken as such later: MassSendReconciler settles both.
   */
  async createMassSends(campaignId?: number): Promise<NonNullable<LaunchReport["massSends"]>> {
    const out: NonNullable<LaunchReport["massSends"]> = { created: 0, failed: [], failedRecipients: 0 };
    if (!this.wecom) return out;
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT m.id, m.campaign_id, m.task_id, m.staff_id, m.variant, m.chunk, s.userid, k.materials
         FROM campaign_mass_sends m JOIN staff s ON s.id = m.staff_id JOIN campaigns k ON k.id = m.campaign_id
        WHERE m.status = 'pending' AND k.status IN ('running', 'paused')${campaignId ? " AND m.campaign_id = ?" : ""}
        ORDER BY m.id`,
      campaignId ? [campaignId] : [],
    );
    const rendered = new Map<string, Promise<MassSendContent>>();
    for (const row of rows) {
      const rowId = num(row.id);
      const now = () => sqlTime(this.clock.now());
      const claimed = await execute(
        this.ds,
        "UPDATE campaign_mass_sends SET status = 'creating', updated_at = ? WHERE id = ? AND status = 'pending'",
        [now(), rowId],
      );
      if (!claimed) continue;
      const taskId = num(row.task_id);
      const staffId = num(row.staff_id);
      const variant = String(row.variant);
      const chunk = num(row.chunk);
      try {
        const materials = (
          typeof row.materials === "string" ? JSON.parse(row.materials) : row.materials
        ) as MaterialVariant[];
        const materialId = materials.find((m) => m.variant === variant)?.materialId;
        if (!materialId) throw new Error(`campaign has no material for variant ${variant}`);
        const key = `${materialId}:${staffId}`;
        if (!rendered.has(key))
          rendered.set(
            key,
            this.materials.render(materialId, null, staffId).then((m) => massSendContent(m, this.publicUrl)),
          );
        const content = await rendered.get(key)!;
        const recipients = await massSendRecipients(this.ds, taskId, variant, chunk);
        const noId = recipients.filter((r) => !r.externalUserid).map((r) => r.targetId);
        if (noId.length) {
          out.failedRecipients += noId.length;
          await this.failTargets(noId, "customer has no WeCom external_userid");
        }
        const sendable = recipients.filter((r) => r.externalUserid);
        if (!sendable.length) {
          await execute(this.ds, "UPDATE campaign_mass_sends SET status = 'done', updated_at = ? WHERE id = ?", [
            now(),
            rowId,
          ]);
          continue;
        }
        // recorded before the call: if its answer is lost, the reconciler knows what to look for
        await execute(this.ds, "UPDATE campaign_mass_sends SET content_hash = ? WHERE id = ?", [
          massSendKey(content),
          rowId,
        ]);
        const result = await this.wecom.client.addMsgTemplate({
          chat_type: "single",
          external_userid: sendable.map((r) => r.externalUserid!),
          sender: String(row.userid),
          ...content,
        });
        const failList = new Set(result.fail_list ?? []);
        await execute(
          this.ds,
          "UPDATE campaign_mass_sends SET status = 'created', msgid = ?, recipients = ?, fail_count = ?, updated_at = ? WHERE id = ?",
          [result.msgid, sendable.length, failList.size, now(), rowId],
        );
        await execute(this.ds, "UPDATE tasks SET wecom_msgid = COALESCE(wecom_msgid, ?), updated_at = ? WHERE id = ?", [
          result.msgid,
          now(),
          taskId,
        ]);
        const failed = sendable.filter((r) => failList.has(r.externalUserid!)).map((r) => r.targetId);
        if (failed.length) {
          out.failedRecipients += failed.length;
          await this.failTargets(failed, "not a contact of the staff member (WeCom fail_list)");
        }
        out.created++;
      } catch (err) {
        if (err instanceof WecomError && err.errcode === TIMEOUT) {
          // the answer was lost, not necessarily the mass send: the targets stay pending until
          // MassSendReconciler finds it in WeCom (adopted) or finds it absent (created again)
          this.log.warn(
            { campaignId: num(row.campaign_id), taskId },
            "mass send unconfirmed: add_msg_template timed out",
          );
          out.unconfirmed = (out.unconfirmed ?? 0) + 1;
          await execute(
            this.ds,
            "UPDATE campaign_mass_sends SET status = 'unconfirmed', error = ?, updated_at = ? WHERE id = ?",
            ["add_msg_template timed out: WeCom may hold it", now(), rowId],
          );
          continue;
        }
        const error =
          err instanceof WecomError ? `${err.errcode} ${err.errmsg}` : err instanceof Error ? err.message : String(err);
        this.log.warn({ err, campaignId: num(row.campaign_id), taskId }, "mass send not created");
        out.failed.push({ taskId, error });
        await execute(
          this.ds,
          "UPDATE campaign_mass_sends SET status = 'failed', error = ?, updated_at = ? WHERE id = ?",
          [error.slice(0, 500), now(), rowId],
        );
        // 41048: WeCom found no sendable customer at all among the recipients
        if (err instanceof WecomError && err.errcode === 41048) {
          const ids = (await massSendRecipients(this.ds, taskId, variant, chunk)).map((r) => r.targetId);
          out.failedRecipients += ids.length;
          await this.failTargets(ids, "not a contact of the staff member (WeCom 41048)");
        }
      }
    }
    return out;
  }

  private failTargets(ids: number[], reason: string) {
    return this.moves.move(ids, { from: "pending", to: "failed", actor: { type: "wecom", id: null }, reason });
  }

  /**
   * A text card per new task (deduplicated by task, so a retried launch never sends twice) and one
   * digest per store manager of the stores involved (deduplicated by campaign and manager).
   */
  async notify(
    c: Pick<Campaign, "id" | "name" | "channel" | "deadlineAt">,
  ): Promise<NonNullable<LaunchReport["notifications"]>> {
    const out: NonNullable<LaunchReport["notifications"]> = { sent: 0, failed: [] };
    if (!this.wecom) return out;
    const deadline = formatTime(readTime(c.deadlineAt)!);
    const send = async (kind: "task_assigned" | "digest", userid: string, card: TextCard, key: string) => {
      try {
        const r = await this.wecom!.notifications.sendTextCard(kind, [userid], card, key);
        if (r.status === "failed")
          out.failed.push({ key, error: r.invalid.length ? "not a valid app member" : "failed" });
        else {
          out.sent++;
          return true;
        }
      } catch (err) {
        this.log.warn({ err, key }, "notification failed");
        out.failed.push({ key, error: err instanceof Error ? err.message : String(err) });
      }
      return false;
    };

    const tasks: Record<string, unknown>[] = await this.ds.query(
      `SELECT k.id, k.targets_total, s.userid FROM tasks k JOIN staff s ON s.id = k.staff_id
        WHERE k.campaign_id = ? AND k.notified_at IS NULL ORDER BY k.id`,
      [c.id],
    );
    const what = (n: number) =>
      c.channel === "group_post"
        ? `${n} 个客户群待发布`
        : c.channel === "mass_send"
          ? `请在企业微信中确认群发（${n} 位客户）`
          : `${n} 位客户待联系`;
    for (const t of tasks) {
      const taskId = num(t.id);
      const ok = await send(
        "task_assigned",
        String(t.userid),
        {
          title: `新任务：${c.name}`.slice(0, 40),
          description: `<div class="normal">${escapeHtml(what(num(t.targets_total)))}</div><div class="gray">截止 ${deadline}</div>`,
          url: `${this.publicUrl}/sidebar/tasks/${taskId}`,
          btntxt: "查看",
        },
        `task:${taskId}:assigned`,
      );
      if (ok)
        await execute(this.ds, "UPDATE tasks SET notified_at = ? WHERE id = ?", [sqlTime(this.clock.now()), taskId]);
    }

    for (const [userid, lines] of await this.managerDigests(c.id))
      await send(
        "digest",
        userid,
        {
          title: `门店任务汇总：${c.name}`.slice(0, 40),
          description:
            lines.map((l) => `<div class="normal">${escapeHtml(l)}</div>`).join("") +
            `<div class="gray">截止 ${deadline}</div>`,
          url: `${this.publicUrl}/campaigns/${c.id}`,
          btntxt: "查看",
        },
        `campaign:${c.id}:digest:${userid}`,
      );
    return out;
  }

  /**
   * Store managers of the stores whose staff got a task: staff marked is_manager in staff_stores,
   * and store_manager users linked to a staff member. One digest each, a line per store.
   */
  private async managerDigests(campaignId: number): Promise<Map<string, string[]>> {
    const stores: Record<string, unknown>[] = await this.ds.query(
      `SELECT ss.store_id, st.name, COUNT(DISTINCT k.staff_id) AS staff, SUM(k.targets_total) AS targets
         FROM tasks k JOIN staff_stores ss ON ss.staff_id = k.staff_id JOIN stores st ON st.id = ss.store_id
        WHERE k.campaign_id = ? GROUP BY ss.store_id, st.name ORDER BY ss.store_id`,
      [campaignId],
    );
    const out = new Map<string, string[]>();
    if (!stores.length) return out;
    const ids = stores.map((s) => num(s.store_id));
    const managers: { store_id: unknown; userid: string }[] = await this.ds.query(
      `SELECT ms.store_id, s.userid FROM staff_stores ms JOIN staff s ON s.id = ms.staff_id
        WHERE ms.is_manager <> 0 AND s.status = 'active' AND ms.store_id IN (${placeholders(ids.length)})
       UNION
       SELECT us.store_id, s.userid FROM users u JOIN user_stores us ON us.user_id = u.id JOIN staff s ON s.id = u.staff_id
        WHERE u.role = 'store_manager' AND u.status = 'active' AND s.status = 'active' AND us.store_id IN (${placeholders(ids.length)})`,
      [...ids, ...ids],
    );
    const byStore = new Map(stores.map((s) => [num(s.store_id), s]));
    for (const m of [...managers].sort(
      (a, b) => num(a.store_id) - num(b.store_id) || a.userid.localeCompare(b.userid),
    )) {
      const s = byStore.get(num(m.store_id))!;
      const lines = out.get(m.userid) ?? [];
      lines.push(`${String(s.name)}：${num(s.staff)} 位员工，${num(s.targets)} 个任务对象`);
      out.set(m.userid, lines);
    }
    return out;
  }

  private async report(em: EntityManager, c: Campaign, now: Date, launchedBy: number | null): Promise<LaunchReport> {
    const report: LaunchReport = {
      launchedAt: now.toISOString(),
      launchedBy,
      audience: 0,
      excluded: { deleted_all_staff: 0, do_not_disturb: 0, frequency_cap: 0, mass_send_same_day: 0 },
      unassignable: 0,
      control: 0,
      targets: 0,
      tasks: 0,
      variants: {},
    };
    for (const r of await em.query(
      "SELECT reason, COUNT(*) AS n FROM campaign_audience WHERE campaign_id = ? GROUP BY reason",
      [c.id],
    )) {
      const n = num(r.n);
      report.audience += n;
      if (r.reason === "unassignable") report.unassignable = n;
      else if (r.reason) report.excluded[r.reason as keyof LaunchReport["excluded"]] = n;
    }
    for (const r of await em.query(
      "SELECT is_control, variant, COUNT(*) AS n FROM targets WHERE campaign_id = ? GROUP BY is_control, variant",
      [c.id],
    )) {
      if (num(r.is_control)) report.control += num(r.n);
      else {
        report.targets += num(r.n);
        report.variants[String(r.variant)] = num(r.n);
      }
    }
    report.tasks = num((await em.query("SELECT COUNT(*) AS n FROM tasks WHERE campaign_id = ?", [c.id]))[0]?.n);
    if (c.channel === "group_post")
      report.groups = {
        members: num(
          (
            await em.query(
              `SELECT COUNT(DISTINCT a.customer_id) AS n FROM targets t
                 JOIN group_members gm ON gm.group_id = t.group_id AND gm.left_at IS NULL
                 JOIN campaign_audience a ON a.customer_id = gm.customer_id AND a.campaign_id = t.campaign_id AND a.reason IS NULL
                WHERE t.campaign_id = ?`,
              [c.id],
            )
          )[0]?.n,
        ),
      };
    return report;
  }

  private oneAtATime<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async load(id: number): Promise<Campaign> {
    const c = await this.ds.getRepository(Campaign).findOneBy({ id });
    if (!c) throw new NotFoundError("No such campaign");
    return c;
  }

  /** `FROM customers c … WHERE …` selecting the campaign's audience: its segment, rule or uploaded list. */
  private async members(em: EntityManager, c: Campaign): Promise<Stmt> {
    if (c.audienceListId) {
      if (!(await em.getRepository(AudienceList).existsBy({ id: c.audienceListId })))
        throw new ValidationError("The campaign's list no longer exists", [
          { field: "audience.listId", reason: "no such list" },
        ]);
      const { sql, params } = listMembersSql(c.audienceListId);
      return { text: sql, params };
    }
    let rule = c.audienceRule as unknown as Rule;
    if (c.segmentId) {
      const segment = await em.getRepository(Segment).findOneBy({ id: c.segmentId });
      if (!segment)
        throw new ValidationError("The campaign's segment no longer exists", [
          { field: "audience.segmentId", reason: "no such segment" },
        ]);
      rule = segment.rule as unknown as Rule;
    }
    const { sql, params } = this.segments.membersSql(rule);
    return { text: sql, params };
  }

  /** The setting `campaigns.frequencyCap` ({ maxTargets, days }; default 1 per 3 days), as a cutoff. */
  private async frequencyCap(now: Date): Promise<LaunchPlan["frequencyCap"]> {
    const stored = await this.settings.get<unknown>(FREQUENCY_CAP_SETTING, DEFAULT_FREQUENCY_CAP);
    const parsed = frequencyCapSchema.safeParse(stored);
    if (!parsed.success) this.log.warn({ stored }, `invalid ${FREQUENCY_CAP_SETTING} setting; using the default`);
    const cap = parsed.success ? parsed.data : DEFAULT_FREQUENCY_CAP;
    return { maxTargets: cap.maxTargets, since: sqlTime(new Date(now.getTime() - cap.days * 86_400_000)) };
  }
}

/** `11-28 18:00` in the business time zone. */
export function formatTime(d: Date): string {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone: "Asia/Shanghai",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).formatToParts(d);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${get("month")}-${get("day")} ${get("hour")}:${get("minute")}`;
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[ch]!);
}
