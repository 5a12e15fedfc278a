import { In, type DataSource } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity.js";
import { execute, num, placeholders, readTime, sqlTime } from "../../db/dialect.ts";
import { ConflictError, NotFoundError, ValidationError, type FieldProblem } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import type { CampaignsService } from "../campaigns/campaigns.service.ts";
import type { Paged } from "../customers/customers.schemas.ts";
import { Segment } from "../segments/segment.entity.ts";
import { Automation, AutomationRun } from "./automation.entity.ts";
import { nextSlot } from "./automation-schedule.ts";
import type {
  AutomationConfig,
  AutomationInput,
  AutomationListQuery,
  AutomationRunView,
  AutomationView,
  CampaignTemplate,
  RunListQuery,
  RunSummary,
  SegmentScheduleConfig,
} from "./automations.schemas.ts";

/** How many of the latest runs a list or detail shows with each automation. */
const LAST_RUNS = 3;

/**
 * Automations as HQ edits them: create, update, switch on and off, and what they did (runs).
 * Evaluation itself is AutomationRunner's. Switching an automation on starts it from now: a
 * schedule from its next slot, downgrades recorded from now on, follow relations coming due
 * from now on; what happened while it was off is not caught up.
 */
export class AutomationsService {
  constructor(
    private readonly ds: DataSource,
    private readonly campaigns: Pick<CampaignsService, "checkMaterials">,
    private readonly clock: Clock,
  ) {}

  async list(q: AutomationListQuery): Promise<Paged<AutomationView>> {
    const where = q.kind ? { kind: q.kind } : {};
    const [rows, total] = await this.ds.getRepository(Automation).findAndCount({
      where,
      order: { id: "DESC" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: await this.views(rows), page: q.page, pageSize: q.pageSize, total };
  }

  async get(id: number): Promise<AutomationView> {
    return (await this.views([await this.load(id)]))[0]!;
  }

  async create(input: AutomationInput, user: UserView): Promise<AutomationView> {
    const template = await this.check(input);
    const now = this.clock.now();
    const saved = await this.ds.getRepository(Automation).save({
      name: input.name,
      kind: input.kind,
      enabled: input.enabled,
      template: template as unknown as Record<string, unknown>,
      config: input.config as Record<string, unknown>,
      activeSince: now,
      nextRunAt: input.enabled ? this.nextRun(input.kind, input.config, now) : null,
      lastHistoryId: await this.historyHead(),
      checkedAt: null,
      leaseOwner: null,
      leaseUntil: null,
      createdBy: user.id,
      createdAt: now,
      updatedAt: now,
    });
    return this.get(saved.id);
  }

  /**
   * Name, template and configuration; the kind stays (make a new automation for another kind)
   * and `enabled` is left to enable/disable. Customers already acted on stay acted on.
   */
  async update(id: number, input: AutomationInput): Promise<AutomationView> {
    const current = await this.load(id);
    if (current.kind !== input.kind)
      throw new ValidationError("The kind of an automation cannot change; create a new one", [
        { field: "kind", reason: `is ${current.kind}` },
      ]);
    const template = await this.check(input, id);
    const now = this.clock.now();
    await this.ds.getRepository(Automation).update({ id }, {
      name: input.name,
      template: template as unknown as Record<string, unknown>,
      config: input.config as Record<string, unknown>,
      ...(current.enabled ? { nextRunAt: this.nextRun(input.kind, input.config, now) } : {}),
      updatedAt: now,
    } as QueryDeepPartialEntity<Automation>);
    return this.get(id);
  }

  /** Switches the automation on from now (a no-op when it is on already). */
  async enable(id: number): Promise<AutomationView> {
    const a = await this.load(id);
    const now = this.clock.now();
    const next = this.nextRun(a.kind, a.config as AutomationConfig, now);
    await execute(
      this.ds,
      `UPDATE automations SET enabled = 1, active_since = ?, next_run_at = ?, last_history_id = ?, updated_at = ?
        WHERE id = ? AND enabled = 0`,
      [sqlTime(now), next ? sqlTime(next) : null, await this.historyHead(), sqlTime(now), id],
    );
    return this.get(id);
  }

  /** Switches the automation off: no evaluation acts on it any more (a run already under way ends). */
  async disable(id: number): Promise<AutomationView> {
    await this.load(id);
    await execute(this.ds, "UPDATE automations SET enabled = 0, next_run_at = NULL, updated_at = ? WHERE id = ?", [
      sqlTime(this.clock.now()),
      id,
    ]);
    return this.get(id);
  }

  async runs(id: number, q: RunListQuery): Promise<Paged<AutomationRunView>> {
    await this.load(id);
    const [rows, total] = await this.ds.getRepository(AutomationRun).findAndCount({
      where: { automationId: id },
      order: { id: "DESC" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(runView), page: q.page, pageSize: q.pageSize, total };
  }

  // ---- helpers ----

  private async load(id: number): Promise<Automation> {
    const a = await this.ds.getRepository(Automation).findOneBy({ id });
    if (!a) throw new NotFoundError("No such automation");
    return a;
  }

  /** What the zod schema cannot see: the name is free, materials, stores, staff and segment exist. */
  private async check(input: AutomationInput, id?: number): Promise<CampaignTemplate> {
    const clash = await this.ds.getRepository(Automation).findOneBy({ name: input.name });
    if (clash && clash.id !== id) throw new ConflictError(`An automation named ${input.name} exists`);
    const t = input.template;
    const problems: FieldProblem[] = (await this.campaigns.checkMaterials(t.channel, t.materials)).map((p) => ({
      ...p,
      field: `template.${p.field}`,
    }));
    const scope: CampaignTemplate["scope"] = {};
    if (t.scope.storeIds?.length) scope.storeIds = [...new Set(t.scope.storeIds)].sort((a, b) => a - b);
    if (t.scope.staffIds?.length) scope.staffIds = [...new Set(t.scope.staffIds)].sort((a, b) => a - b);
    for (const [field, table] of [
      ["storeIds", "stores"],
      ["staffIds", "staff"],
    ] as const) {
      const ids = scope[field];
      if (!ids) continue;
      const found: { id: unknown }[] = await this.ds.query(
        `SELECT id FROM ${table} WHERE id IN (${placeholders(ids.length)})`,
        ids,
      );
      const known = new Set(found.map((r) => num(r.id)));
      const unknown = ids.filter((x) => !known.has(x));
      if (unknown.length) problems.push({ field: `template.scope.${field}`, reason: `unknown: ${unknown.join(", ")}` });
    }
    if (input.kind === "segment_schedule") {
      if (!(await this.ds.getRepository(Segment).existsBy({ id: input.config.segmentId })))
        problems.push({ field: "config.segmentId", reason: "no such segment" });
    }
    if (problems.length)
      throw new ValidationError(
        `Invalid automation: ${problems.map((p) => `${p.field}: ${p.reason}`).join("; ")}`,
        problems,
      );
    return { ...t, scope };
  }

  private nextRun(kind: Automation["kind"], config: AutomationConfig, now: Date): Date | null {
    return kind === "segment_schedule" ? nextSlot((config as SegmentScheduleConfig).schedule, now) : null;
  }

  /** The newest tag_history row: downgrades after it are the automation's to act on. */
  private async historyHead(): Promise<number> {
    return num((await this.ds.query("SELECT MAX(id) AS id FROM tag_history"))[0]?.id);
  }

  private async views(rows: Automation[]): Promise<AutomationView[]> {
    if (!rows.length) return [];
    const ids = rows.map((a) => a.id);
    const customers = new Map<number, number>();
    for (const r of await this.ds.query(
      `SELECT automation_id, COUNT(*) AS n FROM automation_members
        WHERE automation_id IN (${placeholders(ids.length)}) GROUP BY automation_id`,
      ids,
    ))
      customers.set(num(r.automation_id), num(r.n));
    const latest: { id: unknown }[] = await this.ds.query(
      `SELECT x.id FROM (SELECT id, ROW_NUMBER() OVER (PARTITION BY automation_id ORDER BY id DESC) AS rn
                           FROM automation_runs WHERE automation_id IN (${placeholders(ids.length)})) x
        WHERE x.rn <= ${LAST_RUNS}`,
      ids,
    );
    const runs = latest.length
      ? await this.ds.getRepository(AutomationRun).find({
          where: { id: In(latest.map((r) => num(r.id))) },
          order: { id: "DESC" },
        })
      : [];
    return rows.map((a) => ({
      id: a.id,
      name: a.name,
      kind: a.kind,
      enabled: Boolean(a.enabled),
      template: a.template as unknown as CampaignTemplate,
      config: a.config as AutomationConfig,
      activeSince: readTime(a.activeSince)!.toISOString(),
      nextRunAt: readTime(a.nextRunAt)?.toISOString() ?? null,
      checkedAt: readTime(a.checkedAt)?.toISOString() ?? null,
      customers: customers.get(a.id) ?? 0,
      lastRuns: runs.filter((r) => r.automationId === a.id).map(runView),
      createdBy: a.createdBy,
      createdAt: readTime(a.createdAt)!.toISOString(),
      updatedAt: readTime(a.updatedAt)!.toISOString(),
    }));
  }
}

export function runView(r: AutomationRun): AutomationRunView {
  return {
    id: r.id,
    status: r.status,
    startedAt: readTime(r.startedAt)!.toISOString(),
    finishedAt: readTime(r.finishedAt)?.toISOString() ?? null,
    customers: r.customers,
    campaignId: r.campaignId,
    summary: (r.summary as RunSummary | null) ?? null,
    error: r.error,
    repeats: r.repeats,
  };
}
