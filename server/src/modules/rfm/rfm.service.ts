import type { Logger } from "pino";
import { In, type DataSource, type EntityManager } from "typeorm";
import {
  dialectOf,
  execute,
  forUpdate,
  insertIgnoreRows,
  isRetryableTxError,
  num,
  readTime,
  sqlTime,
} from "../../db/dialect.ts";
import { NotFoundError, ValidationError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import type { Clock } from "../../platform/clock.ts";
import { AuditLog } from "../audit/audit-log.entity.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import {
  GROUP_ACTIVE_TAG,
  GROUP_SILENT_TAG,
  GROUP_TAG_NAME_MAX,
  GROUP_TAG_PREFIX,
  LIFECYCLE_STAGES,
  RFM_SEGMENTS,
  SYSTEM_TAG_GROUPS,
  SYSTEM_TAGS,
  lifecycleTagCode,
  segmentTagCode,
} from "../tags/system-tags.ts";
import { RfmComputation } from "./rfm.entity.ts";
import {
  DEFAULT_RFM_SETTINGS,
  RFM_SETTING,
  rfmSettingsPatchSchema,
  rfmSettingsSchema,
  type RfmSettings,
} from "./rfm-settings.ts";
import { rfmSql, type RfmSql } from "./rfm-sql.ts";
import { Fragment, joinSql, raw, sql } from "./sql-fragment.ts";

const DAY_MS = 86_400_000;
const EXPORT_PAGE = 5000;
const DOWNGRADE_PAGE = 1000;

export const RECOMPUTE_STEPS = ["figures", "population", "history", "customer_rfm", "tags", "group_tags"] as const;
export type RecomputeStep = (typeof RECOMPUTE_STEPS)[number];

export interface RecomputeOptions {
  /** the instant of the computation; default now */
  asOf?: Date;
  /** schedule | manual | import | cli */
  triggeredBy: string;
  /** called before each step: (step, steps done so far, number of steps) */
  onProgress?: (step: RecomputeStep | "done", done: number, total: number) => void;
  /** checked between steps: an aborted run (server shutting down) stops and is recorded as failed */
  signal?: AbortSignal;
}

export interface RecomputeProgress {
  computationId: number;
  step: RecomputeStep | "done";
  done: number;
  total: number;
}

/** One segment or lifecycle move to a worse value (see SEGMENT_VALUE_ORDER, LIFECYCLE_ORDER). */
export interface Downgrade {
  historyId: number;
  customerId: number;
  computationId: number;
  kind: "segment" | "lifecycle";
  from: string;
  to: string;
  asOf: Date;
}

export interface RfmListeners {
  /** called after a computation with its downgrades, a page at a time (e.g. to start win-back campaigns) */
  onDowngrades?: (rows: Downgrade[], computation: RfmComputation) => Promise<void> | void;
}

export interface TransitionCell {
  from: string | null;
  to: string | null;
  count: number;
}

export interface TransitionMatrix {
  from: RfmComputation;
  to: RfmComputation;
  /** the segment keys, best first; a null `from`/`to` in a cell means "no segment" (not scored) */
  segments: string[];
  matrix: TransitionCell[];
  /** a null `from` means the customer had no stage yet (not a customer at that computation) */
  lifecycle: { stages: string[]; matrix: TransitionCell[] };
}

/** Segment value, best first: rfm.md's table order (M, then R, then F). Moving down the list is a downgrade. */
export const SEGMENT_VALUE_ORDER: readonly string[] = RFM_SEGMENTS.map((s) => s.key);
/** Lifecycle ranks: moving to a higher rank is a downgrade; `prospect` has no rank (no orders to judge). */
export const LIFECYCLE_ORDER: Readonly<Record<string, number>> = { new: 1, active: 1, silent: 2, churned: 3 };

/** What the engine needs to know about the scored population to split High from Low. */
interface Population {
  n: number;
  sumR: number;
  sumF: number;
  sumM: number;
}

/** The tag ids the engine writes, by segment key, lifecycle stage and group-activity code. */
interface TagIds {
  segment: Map<string, number>;
  lifecycle: Map<string, number>;
  groupActive: number;
  groupSilent: number;
  groupTagGroupId: number;
}

/**
 * The RFM engine (rfm.md): figures, scores, the eight segments, lifecycle stages and group tags,
 * computed as set-based SQL on the database. One aggregate over orders fills the work table
 * rfm_scratch with each scored customer's figures and scores; everything after reads that table,
 * customers and customer_rfm, never orders again, and nothing per customer travels through Node.
 */
export class RfmService {
  private current: RecomputeProgress | null = null;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly settings: SettingsService,
    private readonly log: Logger,
    private readonly listeners: RfmListeners = {},
  ) {}

  // ---------------------------------------------------------------- settings

  async getSettings(): Promise<RfmSettings> {
    const stored = await this.settings.get<Partial<RfmSettings> | null>(RFM_SETTING, null);
    if (!stored) return { ...DEFAULT_RFM_SETTINGS };
    const parsed = rfmSettingsSchema.safeParse({ ...DEFAULT_RFM_SETTINGS, ...stored });
    if (parsed.success) return parsed.data;
    this.log.warn({ issues: parsed.error.issues }, "stored RFM settings are invalid; using the defaults");
    return { ...DEFAULT_RFM_SETTINGS };
  }

  /** Applies a change (any subset of the fields), checked as a whole; a bad field is a ValidationError naming it. */
  async updateSettings(input: unknown, actor: string): Promise<RfmSettings> {
    const patch = parseInput(rfmSettingsPatchSchema, input, "RFM settings");
    const next = parseInput(rfmSettingsSchema, { ...(await this.getSettings()), ...patch }, "RFM settings");
    await this.settings.set(RFM_SETTING, next, actor);
    await this.ds.getRepository(AuditLog).insert({
      actorType: "user",
      actorId: actor,
      action: "rfm.settings.update",
      entity: "settings",
      entityId: RFM_SETTING,
      details: patch as Record<string, never>,
      ip: null,
      createdAt: this.clock.now(),
    });
    return next;
  }

  /**
   * What a settings change would do, without writing anything lasting: the engine's own figure
   * and classification SQL runs twice into rfm_scratch under throwaway (negative) computation
   * ids, once with the current settings and once with the candidate, both as of now, so that
   * the difference is the settings' alone. The work rows are removed before returning.
   */
  async preview(input: unknown): Promise<RfmPreview> {
    const patch = parseInput(rfmSettingsPatchSchema, input, "RFM settings");
    const current = await this.getSettings();
    const candidate = parseInput(rfmSettingsSchema, { ...current, ...patch }, "RFM settings");
    const asOf = this.clock.now();
    const S = rfmSql(this.ds);
    const [a, b] = [previewId(), previewId()];
    try {
      for (const [id, settings] of [
        [a, current],
        [b, candidate],
      ] as const) {
        await this.fillScratch(S, id, asOf, settings);
        const { segment, lifecycle } = this.classify(asOf, settings, await this.population(id));
        await this.write(
          this.ds.manager,
          "preview classify",
          sql`UPDATE rfm_scratch AS s SET segment = ${segment}, lifecycle = ${lifecycle} WHERE s.computation_id = ${id}`,
        );
      }
      const rows: { sa: string | null; sb: string | null; la: string; lb: string; n: unknown }[] = await this.ds.query(
        `SELECT a.segment AS sa, b.segment AS sb,
                COALESCE(a.lifecycle, 'prospect') AS la, COALESCE(b.lifecycle, 'prospect') AS lb, COUNT(*) AS n
           FROM customers c
           LEFT JOIN rfm_scratch a ON a.computation_id = ? AND a.customer_id = c.id
           LEFT JOIN rfm_scratch b ON b.computation_id = ? AND b.customer_id = c.id
          GROUP BY a.segment, b.segment, COALESCE(a.lifecycle, 'prospect'), COALESCE(b.lifecycle, 'prospect')`,
        [a, b],
      );
      return summarisePreview(asOf, candidate, rows);
    } finally {
      await execute(this.ds, "DELETE FROM rfm_scratch WHERE computation_id IN (?, ?)", [a, b]);
    }
  }

  // ---------------------------------------------------------------- computations

  /** The newest computation (any status), with the progress of a run in this process. */
  async latest(): Promise<(RfmComputation & { progress?: RecomputeProgress }) | null> {
    const [c] = await this.ds.getRepository(RfmComputation).find({ order: { id: "DESC" }, take: 1 });
    return c ? this.withProgress(c) : null;
  }

  async list(page: number, pageSize: number) {
    const [items, total] = await this.ds
      .getRepository(RfmComputation)
      .findAndCount({ order: { id: "DESC" }, skip: (page - 1) * pageSize, take: pageSize });
    return { items: items.map((c) => this.withProgress(c)), page, pageSize, total };
  }

  /** One computation with its segment and lifecycle counts as they stood after it. */
  async get(id: number) {
    const c = await this.ds.getRepository(RfmComputation).findOneBy({ id });
    if (!c) throw new NotFoundError("No such RFM computation");
    const counts =
      c.status === "done"
        ? { segments: await this.snapshotCounts("segment", id), lifecycle: await this.snapshotCounts("lifecycle", id) }
        : null;
    return { computation: this.withProgress(c), counts };
  }

  /** Segment and lifecycle counts of the current figures (customer_rfm). */
  async currentCounts(): Promise<{ segments: Record<string, number>; lifecycle: Record<string, number> }> {
    const count = async (column: "segment" | "lifecycle") => {
      const rows: { v: string; n: unknown }[] = await this.ds.query(
        `SELECT ${column} AS v, COUNT(*) AS n FROM customer_rfm WHERE ${column} IS NOT NULL GROUP BY ${column}`,
      );
      return Object.fromEntries(rows.map((r) => [r.v, num(r.n)]));
    };
    return { segments: await count("segment"), lifecycle: await count("lifecycle") };
  }

  /**
   * Marks computations left "running" by a process that died as failed and drops their work rows.
   * Only call it while holding the recompute job's lease (then no other computation is running).
   */
  async failInterrupted(): Promise<number> {
    const stale = await this.ds.getRepository(RfmComputation).find({ where: { status: "running" } });
    for (const c of stale) {
      await this.ds
        .getRepository(RfmComputation)
        .update(
          { id: c.id, status: "running" },
          { status: "failed", error: "interrupted (the process stopped)", finishedAt: this.clock.now() },
        );
      await execute(this.ds, "DELETE FROM rfm_scratch WHERE computation_id = ?", [c.id]);
    }
    return stale.length;
  }

  /** Whether a scheduled computation has started at or after `since` (the nightly job runs once per slot). */
  async scheduledSince(since: Date): Promise<boolean> {
    const rows = await this.ds.query(
      "SELECT id FROM rfm_computations WHERE triggered_by = 'schedule' AND started_at >= ? ORDER BY id LIMIT 1",
      [sqlTime(since)],
    );
    return rows.length > 0;
  }

  /** Whether any computation has started at or after `since` (a pending recompute request is then served). */
  async startedSince(since: Date): Promise<boolean> {
    const rows = await this.ds.query(
      "SELECT id FROM rfm_computations WHERE status IN ('running', 'done') AND started_at >= ? ORDER BY id LIMIT 1",
      [sqlTime(since)],
    );
    return rows.length > 0;
  }

  // ---------------------------------------------------------------- the engine

  async recompute(opts: RecomputeOptions): Promise<RfmComputation> {
    const settings = await this.getSettings();
    const asOf = opts.asOf ?? this.clock.now();
    if (Number.isNaN(asOf.getTime()))
      throw new ValidationError("asOf is not a valid instant", [{ field: "asOf", reason: "invalid" }]);
    const repo = this.ds.getRepository(RfmComputation);
    const customersTotal = num((await this.ds.query("SELECT COUNT(*) AS n FROM customers"))[0]?.n);
    const computation = await repo.save({
      asOf,
      settings: settings as unknown as Record<string, unknown>,
      status: "running",
      triggeredBy: opts.triggeredBy,
      customersScored: 0,
      customersTotal,
      error: null,
      startedAt: this.clock.now(),
      finishedAt: null,
    } as RfmComputation);
    const id = computation.id;
    const log = this.log.child({ computationId: id });
    const steps = RECOMPUTE_STEPS.length;
    let stepNo = 0;
    let stepStarted = performance.now();
    const step = (name: RecomputeStep | "done") => {
      if (opts.signal?.aborted && name !== "done") throw new Error("interrupted: the server is shutting down");
      if (stepNo > 0)
        log.debug(
          { step: RECOMPUTE_STEPS[stepNo - 1], ms: Math.round(performance.now() - stepStarted) },
          "rfm step done",
        );
      stepStarted = performance.now();
      this.current = { computationId: id, step: name, done: stepNo, total: steps };
      opts.onProgress?.(name, stepNo, steps);
      if (name !== "done") stepNo++;
    };
    const S = rfmSql(this.ds);
    try {
      step("figures");
      await this.fillScratch(S, id, asOf, settings);
      step("population");
      const pop = await this.population(id);
      const tagIds = await this.ensureSystemTags();
      await this.inTransaction(S, async (em) => {
        step("history");
        await this.writeHistory(em, id, asOf, settings, pop);
        step("customer_rfm");
        await this.writeCustomerRfm(em, S, id, asOf, settings, pop);
        step("tags");
        await this.writeRfmTags(em, S, id, tagIds);
        step("group_tags");
        await this.lockGroupTags(em, tagIds);
        await this.writeGroupTags(em, S, asOf, settings, tagIds);
        await em
          .getRepository(RfmComputation)
          .update({ id }, { status: "done", customersScored: pop.n, finishedAt: this.clock.now() });
      });
      step("done");
    } catch (err) {
      log.error({ err }, "RFM computation failed");
      await repo
        .update(
          { id },
          { status: "failed", error: err instanceof Error ? err.message : String(err), finishedAt: this.clock.now() },
        )
        .catch(() => undefined);
      throw err;
    } finally {
      if (this.current?.computationId === id) this.current = null;
      await this.write(
        this.ds.manager,
        "scratch cleanup",
        sql`DELETE FROM rfm_scratch WHERE computation_id = ${id}`,
      ).catch((err) => log.warn({ err }, "could not clear the RFM work rows"));
    }
    const done = await repo.findOneByOrFail({ id });
    await this.publishDowngrades(done);
    return done;
  }

  /**
   * Step 1, the only read of orders: one INSERT … SELECT … GROUP BY customer_id computes every
   * scored customer's figures, and window functions over the grouped rows give the scores.
   */
  private async fillScratch(S: RfmSql, id: number, asOf: Date, s: RfmSettings): Promise<void> {
    const at = sqlTime(asOf);
    // the window is asOf - windowDays < paid_at <= asOf
    const windowStart = sqlTime(new Date(asOf.getTime() - s.windowDays * DAY_MS));
    const recencyDays = raw(S.div(S.msBetween("MAX(o.paid_at)", "?"), String(DAY_MS)), at);
    const scores =
      s.method === "quantile"
        ? raw(
            [
              quantile(S, "f.recency_days DESC"),
              quantile(S, "f.frequency ASC"),
              quantile(S, "f.monetary_cents ASC"),
            ].join(",\n       "),
          )
        : joinSql(
            [
              // recency: smaller is better, `<= break point`
              sql`CASE WHEN f.recency_days <= ${s.recency[0]} THEN 5 WHEN f.recency_days <= ${s.recency[1]} THEN 4
                       WHEN f.recency_days <= ${s.recency[2]} THEN 3 WHEN f.recency_days <= ${s.recency[3]} THEN 2 ELSE 1 END`,
              atLeast("f.frequency", s.frequency),
              atLeast("f.monetary_cents", s.monetary),
            ],
            ",\n       ",
          );
    // N, the number of scored customers, for the quantile formula
    const population = raw(s.method === "quantile" ? ",\n                     COUNT(*) OVER () AS n" : "");
    const q = sql`
      INSERT INTO rfm_scratch (computation_id, customer_id, recency_days, frequency, monetary_cents,
                               first_paid_at, last_paid_at, r_score, f_score, m_score)
      SELECT ${id}, f.customer_id, f.recency_days, f.frequency, f.monetary_cents, f.first_paid_at, f.last_paid_at,
             ${scores}
        FROM (SELECT o.customer_id,
                     ${recencyDays} AS recency_days,
                     SUM(CASE WHEN o.paid_at > ${windowStart} THEN 1 ELSE 0 END) AS frequency,
                     SUM(CASE WHEN o.paid_at > ${windowStart} THEN o.amount_cents - o.refund_cents ELSE 0 END) AS monetary_cents,
                     MIN(o.paid_at) AS first_paid_at,
                     MAX(o.paid_at) AS last_paid_at${population}
                FROM ${raw(S.allOrders("o"))}
               WHERE o.customer_id IS NOT NULL
                 AND o.status = 'paid'
                 AND o.amount_cents - o.refund_cents > 0
                 AND o.paid_at <= ${at}
               GROUP BY o.customer_id) f
       ORDER BY f.customer_id`;
    await this.inTransaction(S, async (em) => {
      for (const set of S.bulkSession.enter) await em.query(set);
      try {
        await this.write(em, "figures", q);
      } finally {
        for (const set of S.bulkSession.leave) await em.query(set);
      }
    });
  }

  /** N and the score sums: High is `score * N >= sum of that dimension's scores`, in integers. */
  private async population(id: number): Promise<Population> {
    const [row] = await this.ds.query(
      `SELECT COUNT(*) AS n, SUM(r_score) AS r, SUM(f_score) AS f, SUM(m_score) AS m
         FROM rfm_scratch WHERE computation_id = ?`,
      [id],
    );
    return { n: num(row?.n), sumR: num(row?.r), sumF: num(row?.f), sumM: num(row?.m) };
  }

  /** Segment and lifecycle of `s` (a LEFT JOINed rfm_scratch row; no row = prospect). */
  private classify(asOf: Date, settings: RfmSettings, pop: Population): { segment: Fragment; lifecycle: Fragment } {
    const high = (score: string, sum: number) => sql`${raw(score)} * ${pop.n} >= ${sum}`;
    const key = (pattern: string) => `'${RFM_SEGMENTS.find((x) => x.rfm === pattern)!.key}'`;
    const byF = (r: string, m: string) =>
      sql`CASE WHEN ${high("s.f_score", pop.sumF)} THEN ${raw(key(r + "H" + m))} ELSE ${raw(key(r + "L" + m))} END`;
    const byR = (m: string) =>
      sql`CASE WHEN ${high("s.r_score", pop.sumR)} THEN ${byF("H", m)} ELSE ${byF("L", m)} END`;
    const segment = sql`CASE WHEN s.customer_id IS NULL THEN NULL
                             WHEN ${high("s.m_score", pop.sumM)} THEN ${byR("H")} ELSE ${byR("L")} END`;
    // new: asOf - first_paid_at < newDays days  <=>  first_paid_at > asOf - newDays days (exact, in ms)
    const newSince = sqlTime(new Date(asOf.getTime() - settings.newDays * DAY_MS));
    const lifecycle = sql`CASE WHEN s.customer_id IS NULL THEN 'prospect'
                               WHEN s.first_paid_at > ${newSince} THEN 'new'
                               WHEN s.recency_days < ${settings.activeDays} THEN 'active'
                               WHEN s.recency_days < ${settings.churnDays} THEN 'silent'
                               ELSE 'churned' END`;
    return { segment, lifecycle };
  }

  /** A history row for every customer whose segment or lifecycle stage differs from customer_rfm's. */
  private async writeHistory(
    em: EntityManager,
    id: number,
    asOf: Date,
    settings: RfmSettings,
    pop: Population,
  ): Promise<void> {
    const { segment, lifecycle } = this.classify(asOf, settings, pop);
    const now = sqlTime(this.clock.now());
    for (const [kind, column, expr] of [
      ["segment", "segment", segment],
      ["lifecycle", "lifecycle", lifecycle],
    ] as const) {
      const q = sql`
        INSERT INTO tag_history (customer_id, computation_id, kind, from_value, to_value, tag_id, actor, as_of, created_at)
        SELECT x.customer_id, ${id}, ${kind}, x.old_value, x.new_value, NULL, 'rfm', ${sqlTime(asOf)}, ${now}
          FROM (SELECT c.id AS customer_id, r.${raw(column)} AS old_value, ${expr} AS new_value
                  FROM customers c
                  LEFT JOIN rfm_scratch s ON s.computation_id = ${id} AND s.customer_id = c.id
                  LEFT JOIN customer_rfm r ON r.customer_id = c.id) x
         WHERE COALESCE(x.old_value, '') <> COALESCE(x.new_value, '')`;
      await this.write(em, `history ${kind}`, q);
    }
  }

  /**
   * customer_rfm becomes this computation's figures, one row per customer, prospects included:
   * every scored customer's row is written (its recency moves every day), a prospect's only when
   * it was not a prospect before. computation_id is the computation that last wrote the row.
   */
  private async writeCustomerRfm(
    em: EntityManager,
    S: RfmSql,
    id: number,
    asOf: Date,
    settings: RfmSettings,
    pop: Population,
  ): Promise<void> {
    const { segment, lifecycle } = this.classify(asOf, settings, pop);
    const now = sqlTime(this.clock.now());
    const columns = [
      "customer_id",
      "computation_id",
      "recency_days",
      "frequency",
      "monetary_cents",
      "r_score",
      "f_score",
      "m_score",
      "segment",
      "lifecycle",
      "first_paid_at",
      "last_paid_at",
      "updated_at",
    ];
    const scored = sql`
      SELECT s.customer_id, ${id}, s.recency_days, s.frequency, s.monetary_cents, s.r_score, s.f_score, s.m_score,
             ${segment}, ${lifecycle}, s.first_paid_at, s.last_paid_at, ${now}
        FROM rfm_scratch s
        JOIN customers c ON c.id = s.customer_id
       WHERE s.computation_id = ${id}`;
    await this.write(em, "customer_rfm scored", raw(S.upsertCustomerRfm(columns, scored.text), ...scored.params));
    const prospects = sql`
      SELECT c.id, ${id}, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'prospect', NULL, NULL, ${now}
        FROM customers c
       WHERE NOT EXISTS (SELECT 1 FROM rfm_scratch s WHERE s.computation_id = ${id} AND s.customer_id = c.id)
         AND NOT EXISTS (SELECT 1 FROM customer_rfm r WHERE r.customer_id = c.id AND r.lifecycle = 'prospect')`;
    await this.write(
      em,
      "customer_rfm prospects",
      raw(S.upsertCustomerRfm(columns, prospects.text), ...prospects.params),
    );
  }

  /** Creates the system tag groups and tags that are missing and returns the ids the engine writes. */
  private async ensureSystemTags(): Promise<TagIds> {
    const now = sqlTime(this.clock.now());
    await insertIgnoreRows(
      this.ds,
      "tag_groups",
      ["code", "name", "source", "sort", "wecom_group_id", "created_at", "updated_at"],
      SYSTEM_TAG_GROUPS.map((g) => [g.code, g.name, g.source, g.sort, null, now, now]),
    );
    const groups: { id: unknown; code: string }[] = await this.ds.query(
      `SELECT id, code FROM tag_groups WHERE code IN (?, ?, ?)`,
      SYSTEM_TAG_GROUPS.map((g) => g.code),
    );
    const groupId = new Map(groups.map((g) => [g.code, num(g.id)]));
    await insertIgnoreRows(
      this.ds,
      "tags",
      [
        "group_id",
        "code",
        "name",
        "source",
        "is_system",
        "mirror_to_wecom",
        "wecom_tag_id",
        "sort",
        "deleted_at",
        "created_at",
        "updated_at",
      ],
      SYSTEM_TAGS.map((t) => [groupId.get(t.groupCode), t.code, t.name, t.source, 1, 0, null, t.sort, null, now, now]),
    );
    const codes = SYSTEM_TAGS.map((t) => t.code);
    await execute(
      this.ds,
      `UPDATE tags SET deleted_at = NULL, updated_at = ? WHERE deleted_at IS NOT NULL AND code IN (${codes.map(() => "?").join(", ")})`,
      [now, ...codes],
    );
    const tags: { id: unknown; code: string }[] = await this.ds.query(
      `SELECT id, code FROM tags WHERE code IN (${codes.map(() => "?").join(", ")})`,
      codes,
    );
    const tagId = new Map(tags.map((t) => [t.code, num(t.id)]));
    return {
      segment: new Map(RFM_SEGMENTS.map((s) => [s.key, tagId.get(segmentTagCode(s.key))!])),
      lifecycle: new Map(LIFECYCLE_STAGES.map((s) => [s.key, tagId.get(lifecycleTagCode(s.key))!])),
      groupActive: tagId.get(GROUP_ACTIVE_TAG)!,
      groupSilent: tagId.get(GROUP_SILENT_TAG)!,
      groupTagGroupId: groupId.get("group")!,
    };
  }

  /**
   * customer_tags of source rfm and lifecycle follow this computation's history rows: a customer
   * whose segment (stage) changed loses the old tag and gets the new one. The engine is the only
   * writer of these rows and writes them in the same transaction as customer_rfm and the history,
   * so they always equal customer_rfm's segment and stage, and a night with few changes writes few rows.
   */
  private async writeRfmTags(em: EntityManager, S: RfmSql, id: number, ids: TagIds): Promise<void> {
    const now = sqlTime(this.clock.now());
    for (const [kind, source, map] of [
      ["segment", "rfm", ids.segment],
      ["lifecycle", "lifecycle", ids.lifecycle],
    ] as const) {
      const tagOf = (column: string) =>
        sql`CASE ${raw(column)} ${joinSql(
          [...map].map(([value, tagId]) => sql`WHEN ${value} THEN ${tagId}`),
          " ",
        )} END`;
      // the old value's tag; a customer whose old value was NULL (new, or unscored) had none
      const removed = sql`
        SELECT h.customer_id, ${tagOf("h.from_value")} AS tag_id
          FROM tag_history h
         WHERE h.computation_id = ${id} AND h.kind = ${kind} AND h.from_value IS NOT NULL`;
      await this.write(em, `${source} tags removed`, raw(S.deleteCustomerTags(removed.text), ...removed.params));
      const added = sql`
        INSERT INTO customer_tags (customer_id, tag_id, source, assigned_by, created_at)
        SELECT h.customer_id, ${tagOf("h.to_value")}, ${source}, 'rfm', ${now}
          FROM tag_history h
         WHERE h.computation_id = ${id} AND h.kind = ${kind} AND h.to_value IS NOT NULL`;
      await this.write(em, `${source} tags added`, added);
    }
  }

  /**
   * Group tags (rfm.md "Group tags"): `group:<chat_id>` per current membership of an active group,
   * `group_active` for a message in any tracked group within groupActiveDays before asOf, and
   * `group_silent` for a current member without one within groupSilentDays.
   */
  private async writeGroupTags(
    em: EntityManager,
    S: RfmSql,
    asOf: Date,
    s: RfmSettings,
    ids: TagIds,
    customerIds?: readonly number[],
  ): Promise<void> {
    const now = sqlTime(this.clock.now());
    // only these customers' rows (a bound list: both planners then walk the customer_id index)
    const scoped = (customer: string) =>
      customerIds === undefined
        ? sql``
        : customerIds.length
          ? sql` AND ${raw(customer)} IN (${joinSql(
              customerIds.map((id) => sql`${id}`),
              ", ",
            )})`
          : sql` AND 1 = 0`;
    const at = sqlTime(asOf);
    const activeSince = sqlTime(new Date(asOf.getTime() - s.groupActiveDays * DAY_MS));
    const silentSince = sqlTime(new Date(asOf.getTime() - s.groupSilentDays * DAY_MS));
    const code = raw(S.concat(`'${GROUP_TAG_PREFIX}'`, "g.chat_id"));

    // one tag per active group, named after it; tags of groups that are gone are retired
    const create = sql`
      INSERT INTO tags (group_id, code, name, source, is_system, mirror_to_wecom, wecom_tag_id, sort, deleted_at, created_at, updated_at)
      SELECT ${ids.groupTagGroupId}, ${code}, SUBSTR(COALESCE(NULLIF(g.name, ''), g.chat_id), 1, ${GROUP_TAG_NAME_MAX}),
             'group', 1, 0, NULL, 10, NULL, ${now}, ${now}
        FROM customer_groups g
       WHERE g.status = 'active' AND NOT EXISTS (SELECT 1 FROM tags t WHERE t.code = ${code})`;
    await this.write(em, "group tags create", create);
    const refresh = sql`
      UPDATE tags SET deleted_at = NULL,
             name = (SELECT SUBSTR(COALESCE(NULLIF(g.name, ''), g.chat_id), 1, ${GROUP_TAG_NAME_MAX})
                       FROM customer_groups g WHERE ${code} = tags.code),
             updated_at = ${now}
       WHERE source = 'group' AND code LIKE ${GROUP_TAG_PREFIX + "%"}
         AND EXISTS (SELECT 1 FROM customer_groups g WHERE g.status = 'active' AND ${code} = tags.code
                        AND (tags.deleted_at IS NOT NULL
                             OR tags.name <> SUBSTR(COALESCE(NULLIF(g.name, ''), g.chat_id), 1, ${GROUP_TAG_NAME_MAX})))`;
    await this.write(em, "group tags refresh", refresh);
    const retire = sql`
      UPDATE tags SET deleted_at = ${now}, updated_at = ${now}
       WHERE source = 'group' AND code LIKE ${GROUP_TAG_PREFIX + "%"} AND deleted_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM customer_groups g WHERE g.status = 'active' AND ${code} = tags.code)`;
    await this.write(em, "group tags retire", retire);

    const member = (m: string) => sql`${raw(m)}.customer_id IS NOT NULL AND ${raw(m)}.left_at IS NULL
           AND EXISTS (SELECT 1 FROM customer_groups g WHERE g.id = ${raw(m)}.group_id AND g.status = 'active')`;
    const messagedSince = (since: string, customer: string) =>
      sql`EXISTS (SELECT 1 FROM group_members a WHERE a.customer_id = ${raw(customer)}
                     AND a.last_message_at > ${since} AND a.last_message_at <= ${at})`;
    // the group tag rows each customer should have, as a predicate on (customer, tag)
    const wanted = (customer: string, tag: string) => sql`(
         (${raw(tag)} = ${ids.groupActive} AND ${messagedSince(activeSince, customer)})
      OR (${raw(tag)} = ${ids.groupSilent}
          AND EXISTS (SELECT 1 FROM group_members m WHERE m.customer_id = ${raw(customer)} AND ${member("m")})
          AND NOT ${messagedSince(silentSince, customer)})
      OR EXISTS (SELECT 1 FROM group_members m
                   JOIN customer_groups g ON g.id = m.group_id AND g.status = 'active'
                   JOIN tags t ON t.code = ${code}
                  WHERE m.customer_id = ${raw(customer)} AND m.left_at IS NULL AND t.id = ${raw(tag)}))`;
    const stale = sql`
      DELETE FROM customer_tags
       WHERE source = 'group' AND NOT ${wanted("customer_tags.customer_id", "customer_tags.tag_id")}${scoped("customer_tags.customer_id")}`;
    await this.write(em, "group tags stale", stale);

    const absent = (tag: Fragment | string, customer: string) =>
      sql`NOT EXISTS (SELECT 1 FROM customer_tags ct WHERE ct.customer_id = ${raw(customer)}
                         AND ct.tag_id = ${typeof tag === "string" ? raw(tag) : tag})`;
    const memberships = sql`
      INSERT INTO customer_tags (customer_id, tag_id, source, assigned_by, created_at)
      SELECT DISTINCT m.customer_id, t.id, 'group', 'rfm', ${now}
        FROM group_members m
        JOIN customer_groups g ON g.id = m.group_id AND g.status = 'active'
        JOIN tags t ON t.code = ${code}
       WHERE m.customer_id IS NOT NULL AND m.left_at IS NULL AND ${absent("t.id", "m.customer_id")}${scoped("m.customer_id")}`;
    await this.write(em, "group membership tags", memberships);
    const active = sql`
      INSERT INTO customer_tags (customer_id, tag_id, source, assigned_by, created_at)
      SELECT DISTINCT m.customer_id, ${ids.groupActive}, 'group', 'rfm', ${now}
        FROM group_members m
       WHERE m.customer_id IS NOT NULL AND m.last_message_at > ${activeSince} AND m.last_message_at <= ${at}
         AND ${absent(sql`${ids.groupActive}`, "m.customer_id")}${scoped("m.customer_id")}`;
    await this.write(em, "group_active tags", active);
    const silent = sql`
      INSERT INTO customer_tags (customer_id, tag_id, source, assigned_by, created_at)
      SELECT DISTINCT m.customer_id, ${ids.groupSilent}, 'group', 'rfm', ${now}
        FROM group_members m
       WHERE ${member("m")}
         AND NOT ${messagedSince(silentSince, "m.customer_id")}
         AND ${absent(sql`${ids.groupSilent}`, "m.customer_id")}${scoped("m.customer_id")}`;
    await this.write(em, "group_silent tags", silent);
  }

  /**
   * The group tags alone, as of now, with the engine's own statements: for the customers who are or
   * were members of one group (after a membership callback), or for everyone (the periodic refresh
   * that keeps group_active / group_silent current between nightly recomputes).
   */
  async refreshGroupTags(opts: { groupId?: number } = {}): Promise<void> {
    // one group: only the customers who are or were its members can see their group tags change
    const customerIds =
      opts.groupId === undefined
        ? undefined
        : (
            (await this.ds.query(
              "SELECT DISTINCT customer_id FROM group_members WHERE group_id = ? AND customer_id IS NOT NULL",
              [opts.groupId],
            )) as { customer_id: unknown }[]
          ).map((r) => num(r.customer_id));
    const settings = await this.getSettings();
    const tagIds = await this.ensureSystemTags();
    const S = rfmSql(this.ds);
    for (let attempt = 1; ; attempt++) {
      try {
        await this.inTransaction(S, async (em) => {
          // refreshes take turns (callbacks for several groups arrive together): without this lock
          // they race on the same tag rows and deadlock or insert one group's tag twice
          await this.lockGroupTags(em, tagIds);
          await this.writeGroupTags(em, S, this.clock.now(), settings, tagIds, customerIds);
        });
        return;
      } catch (err) {
        if (attempt >= 3 || !isRetryableTxError(err)) throw err;
      }
    }
  }

  /** Writers of group tags take turns on the group tag group's row (see refreshGroupTags). */
  private async lockGroupTags(em: EntityManager, ids: TagIds): Promise<void> {
    await em.query(`SELECT id FROM tag_groups WHERE id = ?${forUpdate(dialectOf(em))}`, [ids.groupTagGroupId]);
  }

  /** Runs one write statement, logging its time (debug) so a slow step can be found. */
  private async write(em: EntityManager, label: string, q: Fragment): Promise<number> {
    const t0 = performance.now();
    const rows = await execute(em, q.text, [...q.params]);
    this.log.debug({ statement: label, ms: Math.round(performance.now() - t0), rows }, "rfm statement");
    return rows;
  }

  private inTransaction<T>(S: RfmSql, fn: (em: EntityManager) => Promise<T>): Promise<T> {
    return S.bulkIsolation ? this.ds.transaction(S.bulkIsolation, fn) : this.ds.transaction(fn);
  }

  // ---------------------------------------------------------------- history and movement

  /** Segment (and lifecycle) downgrades recorded after history row `lastHistoryId`, oldest first. */
  async downgradesSince(lastHistoryId: number, limit = DOWNGRADE_PAGE): Promise<Downgrade[]> {
    return this.downgrades(sql`h.id > ${lastHistoryId}`, limit);
  }

  private async downgrades(where: Fragment, limit: number): Promise<Downgrade[]> {
    const rank = (column: string, order: Record<string, number>) =>
      sql`CASE ${raw(column)} ${joinSql(
        Object.entries(order).map(([v, r]) => sql`WHEN ${v} THEN ${r}`),
        " ",
      )} END`;
    const segmentRank = Object.fromEntries(SEGMENT_VALUE_ORDER.map((k, i) => [k, i + 1]));
    const q = sql`
      SELECT h.id, h.customer_id, h.computation_id, h.kind, h.from_value, h.to_value, h.as_of
        FROM tag_history h
       WHERE ${where}
         AND h.from_value IS NOT NULL AND h.to_value IS NOT NULL
         AND ((h.kind = 'segment' AND ${rank("h.to_value", segmentRank)} > ${rank("h.from_value", segmentRank)})
           OR (h.kind = 'lifecycle' AND ${rank("h.to_value", LIFECYCLE_ORDER)} > ${rank("h.from_value", LIFECYCLE_ORDER)}))
       ORDER BY h.id
       LIMIT ${raw(String(Math.max(1, Math.floor(limit))))}`;
    const rows: Record<string, unknown>[] = await this.ds.query(q.text, [...q.params]);
    return rows.map((r) => ({
      historyId: num(r.id),
      customerId: num(r.customer_id),
      computationId: num(r.computation_id),
      kind: r.kind as Downgrade["kind"],
      from: String(r.from_value),
      to: String(r.to_value),
      asOf: readTime(r.as_of)!,
    }));
  }

  private async publishDowngrades(c: RfmComputation): Promise<void> {
    const listener = this.listeners.onDowngrades;
    if (!listener) return;
    let after = 0;
    for (;;) {
      const rows = await this.downgrades(sql`h.computation_id = ${c.id} AND h.id > ${after}`, DOWNGRADE_PAGE);
      if (!rows.length) return;
      try {
        await listener(rows, c);
      } catch (err) {
        this.log.error({ err, computationId: c.id }, "downgrade listener failed");
        return;
      }
      after = rows[rows.length - 1].historyId;
    }
  }

  /** The from-value x to-value counts of segments and of lifecycle stages between two done computations. */
  async transitionMatrix(fromId: number, toId: number): Promise<TransitionMatrix> {
    const repo = this.ds.getRepository(RfmComputation);
    const found = await repo.findBy({ id: In([fromId, toId]) });
    const from = found.find((c) => c.id === fromId);
    const to = found.find((c) => c.id === toId);
    const problems = [
      ...(from?.status === "done" ? [] : [{ field: "from", reason: "no finished computation with this id" }]),
      ...(to?.status === "done" ? [] : [{ field: "to", reason: "no finished computation with this id" }]),
    ];
    if (problems.length) throw new ValidationError("Pick two finished computations", problems);
    return {
      from: from!,
      to: to!,
      segments: [...SEGMENT_VALUE_ORDER],
      matrix: await this.transitions("segment", fromId, toId),
      lifecycle: {
        stages: LIFECYCLE_STAGES.map((s) => s.key),
        matrix: await this.transitions("lifecycle", fromId, toId),
      },
    };
  }

  /**
   * A customer's value at computation k is the to_value of its latest history row of that kind
   * with computation_id <= k: the first computation that sees a customer writes a row (from NULL),
   * every later one writes a row when the value changes.
   */
  private async transitions(kind: "segment" | "lifecycle", a: number, b: number): Promise<TransitionCell[]> {
    const rows: { f: string | null; t: string | null; n: unknown }[] = await this.ds.query(
      `SELECT ha.to_value AS f, hb.to_value AS t, COUNT(*) AS n
         FROM (SELECT customer_id,
                      MAX(CASE WHEN computation_id <= ? THEN id END) AS a_id,
                      MAX(CASE WHEN computation_id <= ? THEN id END) AS b_id
                 FROM tag_history
                WHERE kind = ? AND computation_id <= ?
                GROUP BY customer_id) x
         LEFT JOIN tag_history ha ON ha.id = x.a_id
         LEFT JOIN tag_history hb ON hb.id = x.b_id
        WHERE ha.to_value IS NOT NULL OR hb.to_value IS NOT NULL
        GROUP BY ha.to_value, hb.to_value`,
      [a, b, kind, Math.max(a, b)],
    );
    const order = kind === "segment" ? SEGMENT_VALUE_ORDER : LIFECYCLE_STAGES.map((s) => s.key);
    const pos = (v: string | null) => (v === null ? -1 : order.indexOf(v));
    return rows
      .map((r) => ({ from: r.f, to: r.t, count: num(r.n) }))
      .sort((x, y) => pos(x.from) - pos(y.from) || pos(x.to) - pos(y.to));
  }

  private async snapshotCounts(kind: "segment" | "lifecycle", k: number): Promise<Record<string, number>> {
    const rows: { v: string; n: unknown }[] = await this.ds.query(
      `SELECT h.to_value AS v, COUNT(*) AS n
         FROM (SELECT customer_id, MAX(id) AS id FROM tag_history
                WHERE kind = ? AND computation_id <= ? GROUP BY customer_id) x
         JOIN tag_history h ON h.id = x.id
        WHERE h.to_value IS NOT NULL
        GROUP BY h.to_value`,
      [kind, k],
    );
    return Object.fromEntries(rows.map((r) => [r.v, num(r.n)]));
  }

  // ---------------------------------------------------------------- export

  /**
   * The export contract of rfm.md: a header, then one row per customer with an external_userid in
   * byte order of it, prospects with empty RFM columns. Read and written a page at a time.
   */
  async exportCsv(write: (chunk: string) => void | Promise<void>): Promise<number> {
    await write("external_userid,recency_days,frequency,monetary_cents,r_score,f_score,m_score,segment,lifecycle\n");
    let rows = 0;
    const pages = rfmSql(this.ds).inByteOrder<Record<string, unknown> & { sort_key: string }>(
      this.ds,
      {
        select: `c.external_userid AS sort_key, r.recency_days, r.frequency, r.monetary_cents,
                 r.r_score, r.f_score, r.m_score, r.segment, r.lifecycle`,
        from: "customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id",
        where: "c.external_userid IS NOT NULL",
        key: "c.external_userid",
        params: [],
      },
      EXPORT_PAGE,
    );
    for await (const page of pages) {
      let chunk = "";
      for (const r of page) {
        const n = (v: unknown) => (v === null || v === undefined ? "" : String(num(v)));
        const t = (v: unknown) => (v === null || v === undefined ? "" : csvField(String(v)));
        chunk += `${csvField(r.sort_key)},${n(r.recency_days)},${n(r.frequency)},${n(r.monetary_cents)},${n(r.r_score)},${n(r.f_score)},${n(r.m_score)},${t(r.segment)},${t(r.lifecycle)}\n`;
      }
      rows += page.length;
      await write(chunk);
    }
    return rows;
  }

  private withProgress(c: RfmComputation): RfmComputation & { progress?: RecomputeProgress } {
    return this.current && this.current.computationId === c.id ? { ...c, progress: { ...this.current } } : c;
  }
}

/** `1 + floor(5 * (RANK() OVER (ORDER BY value worst-first) - 1) / N)` (rfm.md "Scores"). */
function quantile(S: RfmSql, orderWorstFirst: string): string {
  return `1 + ${S.div(`5 * (RANK() OVER (ORDER BY ${orderWorstFirst}) - 1)`, "f.n")}`;
}

/** Threshold score for "larger is better": `>= b4` 5, `>= b3` 4, `>= b2` 3, `>= b1` 2, else 1. */
function atLeast(column: string, b: readonly number[]): Fragment {
  const c = raw(column);
  return sql`CASE WHEN ${c} >= ${b[3]} THEN 5 WHEN ${c} >= ${b[2]} THEN 4 WHEN ${c} >= ${b[1]} THEN 3 WHEN ${c} >= ${b[0]} THEN 2 ELSE 1 END`;
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export interface RfmPreview {
  asOf: Date;
  settings: RfmSettings;
  /** customer counts per segment / lifecycle stage under the current and the candidate settings */
  current: { segments: Record<string, number>; lifecycle: Record<string, number> };
  candidate: { segments: Record<string, number>; lifecycle: Record<string, number> };
  /** how many customers would change segment, lifecycle stage, either */
  changed: { segment: number; lifecycle: number; customers: number };
  /** from (current) x to (candidate); a null segment is "not scored" */
  segmentMatrix: TransitionCell[];
  lifecycleMatrix: TransitionCell[];
}

/** Throwaway computation ids for previews: negative, so they never meet a real computation's rows. */
const previewId = () => -1 - Math.floor(Math.random() * 2_000_000_000);

function summarisePreview(
  asOf: Date,
  settings: RfmSettings,
  rows: { sa: string | null; sb: string | null; la: string; lb: string; n: unknown }[],
): RfmPreview {
  const bump = (m: Record<string, number>, k: string | null, n: number) => {
    if (k !== null) m[k] = (m[k] ?? 0) + n;
  };
  const cell = (cells: Map<string, TransitionCell>, from: string | null, to: string | null, n: number) => {
    const key = `${from}>${to}`;
    const c = cells.get(key) ?? { from, to, count: 0 };
    c.count += n;
    cells.set(key, c);
  };
  const out: RfmPreview = {
    asOf,
    settings,
    current: { segments: {}, lifecycle: {} },
    candidate: { segments: {}, lifecycle: {} },
    changed: { segment: 0, lifecycle: 0, customers: 0 },
    segmentMatrix: [],
    lifecycleMatrix: [],
  };
  const seg = new Map<string, TransitionCell>();
  const life = new Map<string, TransitionCell>();
  for (const r of rows) {
    const n = num(r.n);
    bump(out.current.segments, r.sa, n);
    bump(out.candidate.segments, r.sb, n);
    bump(out.current.lifecycle, r.la, n);
    bump(out.candidate.lifecycle, r.lb, n);
    cell(seg, r.sa, r.sb, n);
    cell(life, r.la, r.lb, n);
    if (r.sa !== r.sb) out.changed.segment += n;
    if (r.la !== r.lb) out.changed.lifecycle += n;
    if (r.sa !== r.sb || r.la !== r.lb) out.changed.customers += n;
  }
  const order = (cells: Map<string, TransitionCell>) =>
    [...cells.values()].sort((x, y) => `${x.from}>${x.to}`.localeCompare(`${y.from}>${y.to}`));
  out.segmentMatrix = order(seg);
  out.lifecycleMatrix = order(life);
  return out;
}
