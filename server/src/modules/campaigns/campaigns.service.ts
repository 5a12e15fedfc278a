import { randomInt } from "node:crypto";
import { In, type DataSource } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity.js";
import type { Logger } from "pino";
import { execute, num, placeholders, readTime, sqlTime } from "../../db/dialect.ts";
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { AudienceList } from "../audience-lists/audience-list.entity.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import type { Paged } from "../customers/customers.schemas.ts";
import { checkTemplate } from "../materials/material-template.ts";
import { Material } from "../materials/material.entity.ts";
import type { SegmentsService } from "../segments/segments.service.ts";
import { Segment } from "../segments/segment.entity.ts";
import type { Rule } from "../segments/segment-rule.ts";
import { Campaign, type CampaignChannel, type TargetStatus } from "./campaign.entity.ts";
import type {
  CampaignInput,
  CampaignListQuery,
  CampaignScope,
  CampaignView,
  LaunchReport,
  MaterialVariant,
  TargetCounts,
  TargetListQuery,
  TaskCounts,
} from "./campaigns.schemas.ts";
import { TARGET_STATUSES } from "./campaigns.schemas.ts";
import { TargetMoves } from "./target-moves.ts";

const HQ_ROLES: UserView["role"][] = ["hq_admin", "hq_operator"];
const isHq = (user: UserView) => HQ_ROLES.includes(user.role);

/** Material types a WeCom mass send can carry without a media upload (wecom.md §5.1). */
export const MASS_SEND_TYPES = ["text", "link"] as const;

/**
 * Campaigns as HQ and store managers edit them: drafts created, edited and copied; pause, resume
 * and cancel; lists of tasks and targets. A store manager works only on campaigns scoped inside
 * their stores (an empty scope becomes "my stores"); anything else is answered 404.
 */
export class CampaignsService {
  private readonly moves: TargetMoves;

  constructor(
    private readonly ds: DataSource,
    private readonly segments: SegmentsService,
    private readonly clock: Clock,
    private readonly log: Logger,
    /** cancels WeCom mass sends of a cancelled campaign; null without WeCom */
    private readonly wecom: WecomClient | null = null,
    private readonly newSeed: () => number = () => randomInt(1, 2 ** 31 - 1),
  ) {
    this.moves = new TargetMoves(ds, clock);
  }

  // ---- reading ----

  async list(q: CampaignListQuery, user: UserView): Promise<Paged<CampaignView>> {
    const conds: string[] = [];
    const params: unknown[] = [];
    if (q.status) {
      conds.push("c.status = ?");
      params.push(q.status);
    }
    if (!isHq(user)) {
      // a store manager's list: what they created, and campaigns with tasks in their stores
      const stores = user.storeIds.length ? user.storeIds : [0];
      conds.push(
        `(c.created_by = ? OR EXISTS (SELECT 1 FROM tasks k JOIN staff_stores ss ON ss.staff_id = k.staff_id
                                        WHERE k.campaign_id = c.id AND ss.store_id IN (${placeholders(stores.length)})))`,
      );
      params.push(user.id, ...stores);
    }
    const where = conds.length ? `WHERE ${conds.join(" AND ")}` : "";
    const total = num((await this.ds.query(`SELECT COUNT(*) AS n FROM campaigns c ${where}`, params))[0]?.n);
    const rows: { id: unknown }[] = await this.ds.query(
      `SELECT c.id FROM campaigns c ${where} ORDER BY c.id DESC LIMIT ? OFFSET ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    const ids = rows.map((r) => num(r.id));
    const found = ids.length ? await this.ds.getRepository(Campaign).findBy({ id: In(ids) }) : [];
    const byId = new Map(found.map((c) => [c.id, c]));
    return { items: ids.map((id) => campaignView(byId.get(id)!)), page: q.page, pageSize: q.pageSize, total };
  }

  async get(id: number, user: UserView): Promise<CampaignView & { tasks: TaskCounts; targets: TargetCounts }> {
    const c = await this.visible(id, user);
    const tasks: TaskCounts = { total: 0, open: 0, done: 0, overdue: 0 };
    for (const r of await this.ds.query(
      "SELECT status, COUNT(*) AS n FROM tasks WHERE campaign_id = ? GROUP BY status",
      [id],
    )) {
      tasks[r.status as keyof TaskCounts] = num(r.n);
      tasks.total += num(r.n);
    }
    const targets = Object.fromEntries([...TARGET_STATUSES, "total"].map((s) => [s, 0])) as TargetCounts;
    for (const r of await this.ds.query(
      "SELECT status, COUNT(*) AS n FROM targets WHERE campaign_id = ? GROUP BY status",
      [id],
    )) {
      targets[r.status as TargetStatus] = num(r.n);
      targets.total += num(r.n);
    }
    const view = campaignView(c);
    if (view.launchReport?.massSends)
      view.launchReport.massSends = await this.massSendsNow(id, view.launchReport.massSends);
    return { ...view, tasks, targets };
  }

  /**
   * The launch report's mass sends as they stand now: later passes of the mass-send job create the
   * ones a launch left pending and settle the unconfirmed ones, and HQ should not read a stale count.
   */
  private async massSendsNow(
    id: number,
    reported: NonNullable<LaunchReport["massSends"]>,
  ): Promise<NonNullable<LaunchReport["massSends"]>> {
    const rows: { status: string; task_id: unknown; error: string | null }[] = await this.ds.query(
      "SELECT status, task_id, error FROM campaign_mass_sends WHERE campaign_id = ? ORDER BY id",
      [id],
    );
    return {
      created: rows.filter((r) => r.status === "created").length,
      failed: rows
        .filter((r) => r.status === "failed")
        .map((r) => ({ taskId: num(r.task_id), error: r.error ?? "failed" })),
      failedRecipients: reported.failedRecipients,
      unconfirmed: rows.filter((r) => r.status === "unconfirmed" || r.status === "creating").length,
    };
  }

  /** Per staff member: their task and how far it got. */
  async tasks(id: number, user: UserView, page = 1, pageSize = 100) {
    await this.visible(id, user);
    const { sql: mine, params: mineParams } = this.staffFilter(user, "k.staff_id");
    const total = num(
      (await this.ds.query(`SELECT COUNT(*) AS n FROM tasks k WHERE k.campaign_id = ?${mine}`, [id, ...mineParams]))[0]
        ?.n,
    );
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT k.id, k.staff_id, s.userid, s.name, k.status, k.due_at, k.targets_total, k.targets_pending, k.notified_at
         FROM tasks k JOIN staff s ON s.id = k.staff_id
        WHERE k.campaign_id = ?${mine} ORDER BY s.userid, k.id LIMIT ? OFFSET ?`,
      [id, ...mineParams, pageSize, (page - 1) * pageSize],
    );
    const taskIds = rows.map((r) => num(r.id));
    const counts = new Map<number, Record<string, number>>();
    if (taskIds.length)
      for (const r of await this.ds.query(
        `SELECT task_id, status, COUNT(*) AS n FROM targets WHERE task_id IN (${placeholders(taskIds.length)}) GROUP BY task_id, status`,
        taskIds,
      )) {
        const c = counts.get(num(r.task_id)) ?? {};
        c[r.status as string] = num(r.n);
        counts.set(num(r.task_id), c);
      }
    return {
      page,
      pageSize,
      total,
      items: rows.map((r) => {
        const c = counts.get(num(r.id)) ?? {};
        const totalTargets = num(r.targets_total);
        const sent = (c.sent ?? 0) + (c.converted ?? 0);
        return {
          id: num(r.id),
          staff: { id: num(r.staff_id), userid: String(r.userid), name: String(r.name) },
          status: String(r.status),
          dueAt: readTime(r.due_at)!.toISOString(),
          notifiedAt: readTime(r.notified_at)?.toISOString() ?? null,
          targets: totalTargets,
          pending: num(r.targets_pending),
          sent,
          skipped: c.skipped ?? 0,
          failed: c.failed ?? 0,
          converted: c.converted ?? 0,
          sendRate: totalTargets ? sent / totalTargets : 0,
        };
      }),
    };
  }

  async targets(id: number, q: TargetListQuery, user: UserView) {
    await this.visible(id, user);
    const { sql: mine, params: mineParams } = this.staffFilter(user, "t.staff_id");
    const status = q.status ? " AND t.status = ?" : "";
    const params = [id, ...(q.status ? [q.status] : []), ...mineParams];
    const total = num(
      (await this.ds.query(`SELECT COUNT(*) AS n FROM targets t WHERE t.campaign_id = ?${status}${mine}`, params))[0]
        ?.n,
    );
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT t.id, t.task_id, t.customer_id, c.name AS customer_name, t.group_id, g.name AS group_name,
              t.staff_id, s.userid, s.name AS staff_name, t.status, t.is_control, t.variant, t.reason,
              t.sent_at, t.converted_at, t.conversion_order_id, t.revenue_cents
         FROM targets t
         LEFT JOIN customers c ON c.id = t.customer_id
         LEFT JOIN customer_groups g ON g.id = t.group_id
         LEFT JOIN staff s ON s.id = t.staff_id
        WHERE t.campaign_id = ?${status}${mine} ORDER BY t.id LIMIT ? OFFSET ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    const opt = (v: unknown) => (v === null || v === undefined ? null : num(v));
    return {
      page: q.page,
      pageSize: q.pageSize,
      total,
      items: rows.map((r) => ({
        id: num(r.id),
        taskId: opt(r.task_id),
        customer: r.customer_id === null ? null : { id: num(r.customer_id), name: String(r.customer_name ?? "") },
        group: r.group_id === null ? null : { id: num(r.group_id), name: String(r.group_name ?? "") },
        staff:
          r.staff_id === null ? null : { id: num(r.staff_id), userid: String(r.userid), name: String(r.staff_name) },
        status: r.status as TargetStatus,
        isControl: Boolean(num(r.is_control)),
        variant: (r.variant as string) ?? null,
        reason: (r.reason as string) ?? null,
        sentAt: readTime(r.sent_at)?.toISOString() ?? null,
        convertedAt: readTime(r.converted_at)?.toISOString() ?? null,
        conversionOrderId: opt(r.conversion_order_id),
        revenueCents: num(r.revenue_cents),
      })),
    };
  }

  // ---- writing ----

  async create(input: CampaignInput, user: UserView): Promise<CampaignView> {
    const scope = await this.checkInput(input, user);
    const now = this.clock.now();
    const saved = await this.ds.getRepository(Campaign).save({
      ...this.columns(input, scope),
      status: "draft",
      seed: this.newSeed(),
      automationId: null,
      launchReport: null,
      createdBy: user.id,
      launchedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    return campaignView(saved);
  }

  /** Only a draft can be edited (409 otherwise); its seed stays. */
  async update(id: number, input: CampaignInput, user: UserView): Promise<CampaignView> {
    await this.manageable(id, user);
    const scope = await this.checkInput(input, user);
    const r = await this.ds.getRepository(Campaign).update({ id, status: "draft" }, {
      ...this.columns(input, scope),
      updatedAt: this.clock.now(),
    } as QueryDeepPartialEntity<Campaign>);
    if (!r.affected) throw new ConflictError("Only a draft campaign can be edited");
    return campaignView(await this.ds.getRepository(Campaign).findOneByOrFail({ id }));
  }

  /** A new draft with the same settings and a new seed, whatever the original's status. */
  async copy(id: number, user: UserView): Promise<CampaignView> {
    const c = await this.manageable(id, user);
    const now = this.clock.now();
    const saved = await this.ds.getRepository(Campaign).save({
      name: `${c.name} (副本)`.slice(0, 100),
      goal: c.goal,
      status: "draft",
      channel: c.channel,
      segmentId: c.segmentId,
      audienceRule: c.audienceRule,
      audienceListId: c.audienceListId,
      materials: c.materials,
      scope: c.scope,
      startAt: c.startAt,
      deadlineAt: c.deadlineAt,
      reminders: c.reminders,
      conversionWindowDays: c.conversionWindowDays,
      holdoutBp: c.holdoutBp,
      assignmentRule: c.assignmentRule,
      seed: this.newSeed(),
      automationId: null,
      launchReport: null,
      createdBy: user.id,
      launchedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    return campaignView(saved);
  }

  async pause(id: number, user: UserView): Promise<CampaignView> {
    return this.setStatus(id, user, ["running"], "paused");
  }

  async resume(id: number, user: UserView): Promise<CampaignView> {
    return this.setStatus(id, user, ["paused"], "running");
  }

  /**
   * Cancelling stops the work: pending targets become skipped ("campaign cancelled"), so every
   * task is done and leaves the guides' lists; WeCom mass sends not yet confirmed are cancelled.
   */
  async cancel(id: number, user: UserView): Promise<CampaignView> {
    const result = await this.setStatus(id, user, ["draft", "running", "paused"], "cancelled");
    const pending: { id: unknown }[] = await this.ds.query(
      "SELECT id FROM targets WHERE campaign_id = ? AND status = 'pending'",
      [id],
    );
    await this.moves.move(
      pending.map((r) => num(r.id)),
      { from: "pending", to: "skipped", actor: { type: "user", id: String(user.id) }, reason: "campaign cancelled" },
    );
    const sends: { id: unknown; msgid: string }[] = await this.ds.query(
      "SELECT id, msgid FROM campaign_mass_sends WHERE campaign_id = ? AND status IN ('pending', 'created')",
      [id],
    );
    for (const s of sends) {
      try {
        if (s.msgid && this.wecom) await this.wecom.cancelGroupmsgSend(s.msgid);
        await execute(
          this.ds,
          "UPDATE campaign_mass_sends SET status = 'done', error = ?, updated_at = ? WHERE id = ?",
          ["campaign cancelled", sqlTime(this.clock.now()), num(s.id)],
        );
      } catch (err) {
        this.log.warn({ err, campaignId: id, msgid: s.msgid }, "could not cancel a WeCom mass send");
      }
    }
    return result;
  }

  // ---- access ----

  /** The campaign if the user may manage it (HQ: any; store manager: scoped inside their stores). */
  async manageable(id: number, user: UserView): Promise<Campaign> {
    const c = await this.ds.getRepository(Campaign).findOneBy({ id });
    if (!c || !(await this.inUserScope((c.scope ?? {}) as CampaignScope, user)))
      throw new NotFoundError("No such campaign");
    return c;
  }

  /** Managers also see campaigns they created or that gave tasks to their stores' staff. */
  async visible(id: number, user: UserView): Promise<Campaign> {
    const c = await this.ds.getRepository(Campaign).findOneBy({ id });
    if (!c) throw new NotFoundError("No such campaign");
    if (isHq(user) || c.createdBy === user.id || (await this.inUserScope((c.scope ?? {}) as CampaignScope, user)))
      return c;
    const stores = user.storeIds.length ? user.storeIds : [0];
    const [hit] = await this.ds.query(
      `SELECT 1 AS x FROM tasks k JOIN staff_stores ss ON ss.staff_id = k.staff_id
        WHERE k.campaign_id = ? AND ss.store_id IN (${placeholders(stores.length)}) LIMIT 1`,
      [id, ...stores],
    );
    if (!hit) throw new NotFoundError("No such campaign");
    return c;
  }

  /** Materials still usable for the channel: they exist, are not archived, and suit a mass send. */
  async checkMaterials(channel: CampaignChannel, variants: MaterialVariant[]): Promise<FieldProblem[]> {
    const ids = [...new Set(variants.map((v) => v.materialId))];
    const found = await this.ds.getRepository(Material).findBy({ id: In(ids) });
    const byId = new Map(found.filter((m) => !m.archivedAt).map((m) => [m.id, m]));
    const problems: FieldProblem[] = [];
    variants.forEach((v, i) => {
      const field = `materials.${i}.materialId`;
      const m = byId.get(v.materialId);
      if (!m) return problems.push({ field, reason: "no such material" });
      if (channel !== "mass_send") return;
      if (!(MASS_SEND_TYPES as readonly string[]).includes(m.type))
        return problems.push({ field, reason: `a mass send carries text or link materials, not ${m.type}` });
      // one mass send carries one text for every recipient: no per-customer variables
      const strings = Object.values(m.content as Record<string, unknown>).filter((x) => typeof x === "string");
      if (strings.some((s) => checkTemplate(s as string, field).some((name) => name.startsWith("customer."))))
        problems.push({
          field,
          reason: "a mass send is one text for all recipients: customer variables are not allowed",
        });
    });
    return problems;
  }

  private async checkInput(input: CampaignInput, user: UserView): Promise<CampaignScope> {
    const problems: FieldProblem[] = [];
    if ("segmentId" in input.audience) {
      if (!(await this.ds.getRepository(Segment).existsBy({ id: input.audience.segmentId })))
        problems.push({ field: "audience.segmentId", reason: "no such segment" });
    } else if ("listId" in input.audience) {
      if (!(await this.ds.getRepository(AudienceList).existsBy({ id: input.audience.listId })))
        problems.push({ field: "audience.listId", reason: "no such list" });
    } else {
      try {
        this.segments.membersSql(input.audience.rule as Rule);
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        problems.push(...err.fields.map((f) => ({ ...f, field: `audience.${f.field}` })));
      }
    }
    problems.push(...(await this.checkMaterials(input.channel, input.materials)));
    const { scope, problems: scopeProblems } = await this.checkScope(input.scope, user);
    problems.push(...scopeProblems);
    if (problems.length)
      throw new ValidationError(
        `Invalid campaign: ${problems.map((p) => `${p.field}: ${p.reason}`).join("; ")}`,
        problems,
      );
    return scope;
  }

  private async checkScope(
    raw: CampaignScope,
    user: UserView,
  ): Promise<{ scope: CampaignScope; problems: FieldProblem[] }> {
    const scope: CampaignScope = {};
    if (raw.storeIds?.length) scope.storeIds = [...new Set(raw.storeIds)].sort((a, b) => a - b);
    if (raw.staffIds?.length) scope.staffIds = [...new Set(raw.staffIds)].sort((a, b) => a - b);
    if (!isHq(user) && !scope.storeIds && !scope.staffIds) scope.storeIds = [...user.storeIds].sort((a, b) => a - b);
    const problems: FieldProblem[] = [];
    if (scope.storeIds) {
      const rows: { id: unknown }[] = await this.ds.query(
        `SELECT id FROM stores WHERE id IN (${placeholders(scope.storeIds.length)})`,
        scope.storeIds,
      );
      const known = new Set(rows.map((r) => num(r.id)));
      const unknown = scope.storeIds.filter((id) => !known.has(id));
      if (unknown.length) problems.push({ field: "scope.storeIds", reason: `unknown store: ${unknown.join(", ")}` });
      const outside = isHq(user) ? [] : scope.storeIds.filter((id) => !user.storeIds.includes(id));
      if (outside.length)
        problems.push({ field: "scope.storeIds", reason: `outside your stores: ${outside.join(", ")}` });
    }
    if (scope.staffIds) {
      const rows: { id: unknown }[] = await this.ds.query(
        `SELECT id FROM staff WHERE id IN (${placeholders(scope.staffIds.length)})`,
        scope.staffIds,
      );
      const known = new Set(rows.map((r) => num(r.id)));
      const unknown = scope.staffIds.filter((id) => !known.has(id));
      if (unknown.length) problems.push({ field: "scope.staffIds", reason: `unknown staff: ${unknown.join(", ")}` });
      else if (!isHq(user) && !(await this.staffInStores(scope.staffIds, user.storeIds)))
        problems.push({ field: "scope.staffIds", reason: "every staff member must belong to one of your stores" });
    }
    return { scope, problems };
  }

  private async inUserScope(scope: CampaignScope, user: UserView): Promise<boolean> {
    if (isHq(user)) return true;
    if (!scope.storeIds?.length && !scope.staffIds?.length) return false; // the whole corp
    if (scope.storeIds?.some((id) => !user.storeIds.includes(id))) return false;
    return !scope.staffIds?.length || this.staffInStores(scope.staffIds, user.storeIds);
  }

  private async staffInStores(staffIds: number[], storeIds: number[]): Promise<boolean> {
    if (!storeIds.length) return false;
    const rows: { staff_id: unknown }[] = await this.ds.query(
      `SELECT DISTINCT staff_id FROM staff_stores
        WHERE staff_id IN (${placeholders(staffIds.length)}) AND store_id IN (${placeholders(storeIds.length)})`,
      [...staffIds, ...storeIds],
    );
    return rows.length === new Set(staffIds).size;
  }

  /** Store managers see only their stores' staff in task and target lists. */
  private staffFilter(user: UserView, column: string): { sql: string; params: unknown[] } {
    if (isHq(user)) return { sql: "", params: [] };
    const stores = user.storeIds.length ? user.storeIds : [0];
    return {
      sql: ` AND ${column} IN (SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${placeholders(stores.length)}))`,
      params: stores,
    };
  }

  private async setStatus(
    id: number,
    user: UserView,
    from: Campaign["status"][],
    to: Campaign["status"],
  ): Promise<CampaignView> {
    await this.manageable(id, user);
    const changed = await execute(
      this.ds,
      `UPDATE campaigns SET status = ?, updated_at = ? WHERE id = ? AND status IN (${placeholders(from.length)})`,
      [to, sqlTime(this.clock.now()), id, ...from],
    );
    const c = await this.ds.getRepository(Campaign).findOneByOrFail({ id });
    if (!changed) throw new ConflictError(`A ${c.status} campaign cannot become ${to}`, { status: c.status });
    return campaignView(c);
  }

  private columns(input: CampaignInput, scope: CampaignScope) {
    return {
      name: input.name,
      goal: input.goal ?? null,
      channel: input.channel,
      segmentId: "segmentId" in input.audience ? input.audience.segmentId : null,
      audienceRule: "rule" in input.audience ? (input.audience.rule as object as Record<string, unknown>) : null,
      audienceListId: "listId" in input.audience ? input.audience.listId : null,
      materials: input.materials,
      scope: scope as Record<string, unknown>,
      startAt: new Date(input.startAt),
      deadlineAt: new Date(input.deadlineAt),
      reminders: [...new Set(input.reminders)].sort((a, b) => b - a),
      conversionWindowDays: input.conversionWindowDays,
      holdoutBp: Math.round(input.holdoutPercent * 100),
      assignmentRule: input.assignmentRule,
    };
  }
}

export function campaignView(c: Campaign): CampaignView {
  const iso = (d: unknown) => readTime(d)!.toISOString();
  return {
    id: c.id,
    name: c.name,
    goal: c.goal,
    status: c.status,
    channel: c.channel,
    audience: c.audienceListId
      ? { listId: c.audienceListId }
      : c.segmentId
        ? { segmentId: c.segmentId }
        : { rule: c.audienceRule },
    materials: c.materials as MaterialVariant[],
    scope: (c.scope ?? {}) as CampaignScope,
    startAt: iso(c.startAt),
    deadlineAt: iso(c.deadlineAt),
    reminders: c.reminders ?? [],
    conversionWindowDays: c.conversionWindowDays,
    holdoutPercent: c.holdoutBp / 100,
    assignmentRule: c.assignmentRule,
    seed: c.seed,
    launchReport: (c.launchReport as LaunchReport | null) ?? null,
    createdBy: c.createdBy,
    launchedAt: readTime(c.launchedAt)?.toISOString() ?? null,
    createdAt: iso(c.createdAt),
    updatedAt: iso(c.updatedAt),
  };
}
