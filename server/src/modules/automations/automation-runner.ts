import { randomInt, randomUUID } from "node:crypto";
import type { Logger } from "pino";
import type { DataSource, EntityManager } from "typeorm";
import type { QueryDeepPartialEntity } from "typeorm/query-builder/QueryPartialEntity.js";
import {
  dialectOf,
  execute,
  insertIgnoreRows,
  num,
  readTime,
  sqlTime,
  transactionWithRetry,
} from "../../db/dialect.ts";
import { AppError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import { formatTime, type CampaignLaunch } from "../campaigns/campaign-launch.ts";
import { Campaign } from "../campaigns/campaign.entity.ts";
import type { LaunchReport } from "../campaigns/campaigns.schemas.ts";
import type { CampaignsService } from "../campaigns/campaigns.service.ts";
import { Segment } from "../segments/segment.entity.ts";
import type { Rule } from "../segments/segment-rule.ts";
import type { SegmentsService } from "../segments/segments.service.ts";
import { Automation, AutomationRun } from "./automation.entity.ts";
import { nextSlot } from "./automation-schedule.ts";
import { addedCustomersSql, audienceSql, newSegmentMembersSql, type RunRef } from "./automation-sql.ts";
import type {
  AfterAddedConfig,
  CampaignTemplate,
  DowngradeConfig,
  RunSummary,
  SegmentScheduleConfig,
} from "./automations.schemas.ts";

/** One segment (or lifecycle) move to a worse value, as RfmService.downgradesSince reports it. */
export interface DowngradeEvent {
  historyId: number;
  customerId: number;
  kind: string;
  from: string;
  to: string;
}

/** Where downgrades come from: RfmService (downgradesSince pages through tag_history by id). */
export interface DowngradeFeed {
  downgradesSince(lastHistoryId: number): Promise<DowngradeEvent[]>;
}

export interface Evaluation {
  automationId: number;
  /**
   * busy: another evaluator holds it; disabled: switched off (or gone); not_due: a schedule
   * whose slot has not come; nothing_new: no customer to act on; launched: a campaign was
   * launched; failed: see error
   */
  outcome: "busy" | "disabled" | "not_due" | "nothing_new" | "launched" | "failed";
  runId?: number;
  campaignId?: number;
  customers?: number;
  error?: string;
}

/**
 * A campaign of an automation has no rule of its own: its audience is the run's customers, put
 * into campaign_audience before the launch. `{ any: [] }` (no condition holds) keeps the launch's
 * own freeze from adding anyone, and says so to anyone reading the campaign.
 */
export const EXPLICIT_AUDIENCE = { any: [] } as const;

const LEASE_MS = 10 * 60_000;

/**
 * Evaluates automations (one job every ten minutes, or on demand). For each enabled automation,
 * an evaluator first claims it with a conditional UPDATE of its lease, so that two evaluators (on
 * this instance or another) never act on one automation at once. A run then, in one transaction,
 * marks the customers it acts on in automation_members (primary key automation + customer: once
 * per automation, whatever races), creates a draft campaign from the template and freezes those
 * customers as its audience; after the commit it launches the campaign through CampaignLaunch
 * (exclusions, owner assignment, tasks, notifications). If the launch fails the run is undone
 * (customers released, draft removed) and logged; if the process dies in between, the next
 * evaluation finishes the run it left.
 */
export class AutomationRunner {
  private readonly instance = `${process.pid}:${randomUUID().slice(0, 8)}`;
  private seq = 0;

  constructor(
    private readonly ds: DataSource,
    private readonly segments: Pick<SegmentsService, "membersSql">,
    private readonly campaigns: Pick<CampaignsService, "checkMaterials">,
    private readonly launcher: Pick<CampaignLaunch, "launch">,
    private readonly downgrades: DowngradeFeed,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly newSeed: () => number = () => randomInt(1, 2 ** 31 - 1),
  ) {}

  /** Every enabled automation, oldest first; stops between automations when `signal` aborts. */
  async evaluate(signal?: AbortSignal): Promise<Evaluation[]> {
    const rows: { id: unknown }[] = await this.ds.query("SELECT id FROM automations WHERE enabled = 1 ORDER BY id");
    const out: Evaluation[] = [];
    for (const r of rows) {
      if (signal?.aborted) break;
      out.push(await this.evaluateOne(num(r.id)));
    }
    return out;
  }

  async evaluateOne(id: number): Promise<Evaluation> {
    const owner = `${this.instance}:${++this.seq}`;
    if (!(await this.claim(id, owner))) {
      const [row] = await this.ds.query("SELECT enabled FROM automations WHERE id = ?", [id]);
      return { automationId: id, outcome: row && num(row.enabled) ? "busy" : "disabled" };
    }
    const heartbeat = setInterval(() => void this.renew(id, owner).catch(() => undefined), LEASE_MS / 3);
    heartbeat.unref();
    let a: Automation | null = null;
    try {
      a = await this.ds.getRepository(Automation).findOneBy({ id });
      if (!a) return { automationId: id, outcome: "disabled" };
      // runs whose evaluator died between its transaction and the launch
      for (const run of await this.ds.getRepository(AutomationRun).findBy({ automationId: id, status: "running" }))
        await this.finish(a, run);
      return await this.act(a);
    } catch (err) {
      const error = message(err);
      this.log.error({ err, automationId: id }, "automation run failed");
      if (a) await this.failed(a, null, error).catch(() => undefined);
      return { automationId: id, outcome: "failed", error };
    } finally {
      clearInterval(heartbeat);
      await execute(
        this.ds,
        "UPDATE automations SET lease_owner = NULL, lease_until = NULL WHERE id = ? AND lease_owner = ?",
        [id, owner],
      ).catch((err) => this.log.warn({ err, automationId: id }, "automation lease not released"));
    }
  }

  private async act(a: Automation): Promise<Evaluation> {
    const now = this.clock.now();
    const template = a.template as unknown as CampaignTemplate;
    const base = { automationId: a.id };
    let nextRunAt: Date | null = null;
    if (a.kind === "segment_schedule") {
      const due = readTime(a.nextRunAt);
      if (!due || due.getTime() > now.getTime()) {
        await execute(this.ds, "UPDATE automations SET checked_at = ? WHERE id = ?", [sqlTime(now), a.id]);
        return { ...base, outcome: "not_due" };
      }
      nextRunAt = nextSlot((a.config as SegmentScheduleConfig).schedule, now);
    }

    // what the template and config need, checked before any customer is taken
    const problems = (await this.campaigns.checkMaterials(template.channel, template.materials)).map(
      (p) => `template.${p.field}: ${p.reason}`,
    );
    let rule: Rule | null = null;
    if (a.kind === "segment_schedule") {
      const segmentId = (a.config as SegmentScheduleConfig).segmentId;
      const segment = await this.ds.getRepository(Segment).findOneBy({ id: segmentId });
      if (segment) rule = segment.rule as unknown as Rule;
      else problems.push(`config.segmentId: segment ${segmentId} no longer exists`);
    }
    if (problems.length) {
      await this.bookkeeping(this.ds.manager, a, now, nextRunAt, a.lastHistoryId);
      const error = `The automation cannot launch its campaign: ${problems.join("; ")}`;
      await this.failed(a, null, error);
      return { ...base, outcome: "failed", error };
    }

    const events = a.kind === "rfm_downgrade" ? await this.readDowngrades(a) : null;
    if (events && !events.rows.length) {
      await this.bookkeeping(this.ds.manager, a, now, nextRunAt, events.cursor);
      return { ...base, outcome: "nothing_new" };
    }
    const claimed = await transactionWithRetry(this.ds, async (em) => {
      const run = await em.getRepository(AutomationRun).save({
        automationId: a.id,
        status: "running" as const,
        customers: 0,
        campaignId: null,
        summary: null,
        error: null,
        repeats: 0,
        historyFrom: events ? a.lastHistoryId : null,
        startedAt: now,
        finishedAt: null,
      });
      const ref: RunRef = { automationId: a.id, runId: run.id, now: sqlTime(now) };
      await this.markCustomers(em, a, ref, now, rule, events?.rows ?? []);
      const customers = num(
        (
          await em.query("SELECT COUNT(*) AS n FROM automation_members WHERE automation_id = ? AND run_id = ?", [
            a.id,
            run.id,
          ])
        )[0]?.n,
      );
      await this.bookkeeping(em, a, now, nextRunAt, events?.cursor ?? a.lastHistoryId);
      if (!customers) {
        // a scheduled run is logged even when nobody is new; event kinds log only what they did
        if (a.kind === "segment_schedule")
          await em.getRepository(AutomationRun).update({ id: run.id }, { status: "done", finishedAt: now });
        else await em.getRepository(AutomationRun).delete({ id: run.id });
        return null;
      }
      const campaign = await this.draft(em, a, template, now);
      const audience = audienceSql(ref, campaign.id);
      await execute(em, audience.text, audience.params);
      await execute(em, "UPDATE automation_members SET campaign_id = ? WHERE automation_id = ? AND run_id = ?", [
        campaign.id,
        a.id,
        run.id,
      ]);
      await em.getRepository(AutomationRun).update({ id: run.id }, { campaignId: campaign.id, customers });
      return { ...run, campaignId: campaign.id, customers };
    });
    if (!claimed) return { ...base, outcome: "nothing_new" };
    return this.finish(a, claimed);
  }

  /** Marks the customers this run acts on (automation_members rows with its run id). */
  private async markCustomers(
    em: EntityManager,
    a: Automation,
    ref: RunRef,
    now: Date,
    rule: Rule | null,
    downgrades: DowngradeEvent[],
  ): Promise<void> {
    const dialect = dialectOf(em);
    if (a.kind === "segment_schedule") {
      const { sql, params } = this.segments.membersSql(rule!);
      const stmt = newSegmentMembersSql(dialect, ref, { text: sql, params });
      await execute(em, stmt.text, stmt.params);
    } else if (a.kind === "after_added") {
      const days = (a.config as AfterAddedConfig).days * 86_400_000;
      const stmt = addedCustomersSql(dialect, ref, {
        from: sqlTime(new Date(readTime(a.activeSince)!.getTime() - days)),
        to: sqlTime(new Date(now.getTime() - days)),
      });
      await execute(em, stmt.text, stmt.params);
    } else if (downgrades.length) {
      await insertIgnoreRows(
        em,
        "automation_members",
        ["automation_id", "customer_id", "run_id", "campaign_id", "event", "first_seen_at"],
        downgrades.map((d) => [a.id, d.customerId, ref.runId, null, `${d.from}>${d.to}`.slice(0, 64), ref.now]),
      );
    }
  }

  /**
   * The segment downgrades recorded since the automation's cursor that match its configuration,
   * one per customer (the first), and the cursor after them.
   */
  private async readDowngrades(a: Automation): Promise<{ rows: DowngradeEvent[]; cursor: number }> {
    const config = a.config as DowngradeConfig;
    const pairs = "pairs" in config ? new Set(config.pairs.map((p) => `${p.from}>${p.to}`)) : null;
    const byCustomer = new Map<number, DowngradeEvent>();
    let cursor = a.lastHistoryId;
    for (;;) {
      const page = await this.downgrades.downgradesSince(cursor);
      if (!page.length) break;
      for (const d of page)
        if (d.kind === "segment" && (!pairs || pairs.has(`${d.from}>${d.to}`)) && !byCustomer.has(d.customerId))
          byCustomer.set(d.customerId, d);
      cursor = page[page.length - 1]!.historyId;
    }
    return { rows: [...byCustomer.values()], cursor };
  }

  private async bookkeeping(
    db: EntityManager,
    a: Automation,
    now: Date,
    nextRunAt: Date | null,
    cursor: number,
  ): Promise<void> {
    await execute(
      db,
      `UPDATE automations SET checked_at = ?, last_history_id = ?${a.kind === "segment_schedule" ? ", next_run_at = ?" : ""}
        WHERE id = ?`,
      [sqlTime(now), cursor, ...(a.kind === "segment_schedule" ? [nextRunAt ? sqlTime(nextRunAt) : null] : []), a.id],
    );
  }

  /** The draft campaign of a run: the template's fields, dates from now, the automation's id. */
  private draft(em: EntityManager, a: Automation, t: CampaignTemplate, now: Date): Promise<Campaign> {
    return em.getRepository(Campaign).save({
      name: `${a.name} · ${formatTime(now)}`.slice(0, 100),
      goal: t.goal ?? null,
      status: "draft" as const,
      channel: t.channel,
      segmentId: null,
      audienceRule: EXPLICIT_AUDIENCE as unknown as Record<string, unknown>,
      materials: t.materials,
      scope: (t.scope ?? {}) as Record<string, unknown>,
      startAt: now,
      deadlineAt: new Date(now.getTime() + t.deadlineHours * 3600_000),
      reminders: [...new Set(t.reminders)].sort((x, y) => y - x),
      conversionWindowDays: t.conversionWindowDays,
      holdoutBp: Math.round(t.holdoutPercent * 100),
      assignmentRule: t.assignmentRule,
      seed: this.newSeed(),
      automationId: a.id,
      launchReport: null,
      createdBy: a.createdBy,
      launchedAt: null,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** Launches the run's campaign and logs the outcome; a failed launch undoes the run. */
  private async finish(a: Automation, run: AutomationRun): Promise<Evaluation> {
    const base = {
      automationId: a.id,
      runId: run.id,
      campaignId: run.campaignId ?? undefined,
      customers: run.customers,
    };
    if (!run.campaignId) {
      await this.failed(a, run, "The run stopped before it created its campaign");
      return { ...base, outcome: "failed", error: "no campaign" };
    }
    try {
      const { report } = await this.launcher.launch(run.campaignId, null);
      await this.done(run, report);
      this.log.info(
        { automationId: a.id, runId: run.id, campaignId: run.campaignId, targets: report.targets },
        "automation launched a campaign",
      );
      return { ...base, outcome: "launched" };
    } catch (err) {
      // launched after all (by an evaluator that took over a run it thought abandoned)?
      const [c] = await this.ds.query("SELECT status, launch_report FROM campaigns WHERE id = ?", [run.campaignId]);
      if (c && c.status !== "draft") {
        const report = typeof c.launch_report === "string" ? JSON.parse(c.launch_report) : c.launch_report;
        await this.done(run, report as LaunchReport | null);
        return { ...base, outcome: "launched" };
      }
      const error = message(err);
      if (!(err instanceof AppError))
        this.log.error({ err, automationId: a.id, runId: run.id }, "automation launch failed");
      await this.undo(a, run);
      await this.failed(a, run, `The campaign could not be launched: ${error}`);
      return { ...base, outcome: "failed", error };
    }
  }

  private async done(run: AutomationRun, report: LaunchReport | null): Promise<void> {
    const summary: RunSummary | null = report && {
      audience: report.audience,
      excluded: report.excluded,
      unassignable: report.unassignable,
      control: report.control,
      targets: report.targets,
      tasks: report.tasks,
    };
    await this.ds.getRepository(AutomationRun).update({ id: run.id }, {
      status: "done",
      summary,
      finishedAt: this.clock.now(),
    } as QueryDeepPartialEntity<AutomationRun>);
  }

  /**
   * Gives the run's customers back (the next run may act on them), removes its draft campaign
   * and its frozen audience, and moves a downgrade cursor back to where the run started.
   */
  private async undo(a: Automation, run: AutomationRun): Promise<void> {
    await transactionWithRetry(this.ds, async (em) => {
      await execute(em, "DELETE FROM automation_members WHERE automation_id = ? AND run_id = ?", [a.id, run.id]);
      if (run.campaignId) {
        const removed = await execute(em, "DELETE FROM campaigns WHERE id = ? AND status = 'draft'", [run.campaignId]);
        if (removed) await execute(em, "DELETE FROM campaign_audience WHERE campaign_id = ?", [run.campaignId]);
      }
      if (run.historyFrom !== null)
        await execute(em, "UPDATE automations SET last_history_id = ? WHERE id = ?", [run.historyFrom, a.id]);
    });
  }

  /**
   * Logs a failure: as the run's outcome, or as a run of its own. The same error as the latest
   * run's is counted on that run (`repeats`) instead, so a broken template does not write a line
   * every ten minutes.
   */
  private async failed(a: Automation, run: AutomationRun | null, error: string): Promise<void> {
    const now = this.clock.now();
    const repo = this.ds.getRepository(AutomationRun);
    const [last] = await this.ds.query(
      `SELECT id, status, error FROM automation_runs WHERE automation_id = ?${run ? " AND id < ?" : ""} ORDER BY id DESC LIMIT 1`,
      run ? [a.id, run.id] : [a.id],
    );
    if (last && last.status === "failed" && last.error === error) {
      await execute(this.ds, "UPDATE automation_runs SET repeats = repeats + 1, finished_at = ? WHERE id = ?", [
        sqlTime(now),
        num(last.id),
      ]);
      if (run) await repo.delete({ id: run.id });
      return;
    }
    if (run) await repo.update({ id: run.id }, { status: "failed", error, campaignId: null, finishedAt: now });
    else
      await repo.insert({
        automationId: a.id,
        status: "failed",
        customers: 0,
        campaignId: null,
        summary: null,
        error,
        repeats: 0,
        historyFrom: null,
        startedAt: now,
        finishedAt: now,
      });
  }

  private async claim(id: number, owner: string): Promise<boolean> {
    const now = this.clock.now();
    return (
      (await execute(
        this.ds,
        `UPDATE automations SET lease_owner = ?, lease_until = ?
          WHERE id = ? AND enabled = 1 AND (lease_until IS NULL OR lease_until < ?)`,
        [owner, sqlTime(new Date(now.getTime() + LEASE_MS)), id, sqlTime(now)],
      )) === 1
    );
  }

  private async renew(id: number, owner: string): Promise<void> {
    await execute(this.ds, "UPDATE automations SET lease_until = ? WHERE id = ? AND lease_owner = ?", [
      sqlTime(new Date(this.clock.now().getTime() + LEASE_MS)),
      id,
      owner,
    ]);
  }
}

function message(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 1000);
}
