import type { DataSource } from "typeorm";
import { num, readTime } from "../../db/dialect.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import { compileRule } from "./segment-compiler.ts";
import { MAX_DEPTH, ruleDepth, type Rule } from "./segment-rule.ts";
import { Segment } from "./segment.entity.ts";

export interface SegmentPreview {
  count: number;
  sample: { id: number; name: string; segment: string | null; lifecycle: string; owners: string }[];
}

/**
 * Segments: a rule compiled to SQL, previewed (count and a sample of 20) and saved by name. The
 * same rule gives the same members on both databases; a store manager's preview stays inside
 * their stores.
 */
export class SegmentsService {
  constructor(
    private readonly ds: DataSource,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
  ) {}

  /** FROM/WHERE selecting the rule's members (`c.id`), for previews and campaign launches. */
  membersSql(rule: Rule, user?: UserView): { sql: string; params: unknown[] } {
    if (ruleDepth(rule) > MAX_DEPTH)
      throw new ValidationError(`A rule may nest at most ${MAX_DEPTH} groups`, [
        { field: "rule", reason: "nested too deeply" },
      ]);
    const compiled = compileRule(rule, this.clock);
    const scope = this.customers.where({}, user);
    const where = scope.sql ? `${scope.sql} AND ${compiled.sql}` : `WHERE ${compiled.sql}`;
    return {
      sql: `FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id ${where}`,
      params: [...scope.params, ...compiled.params],
    };
  }

  async preview(rule: Rule, user?: UserView): Promise<SegmentPreview> {
    const { sql, params } = this.membersSql(rule, user);
    const count = num((await this.ds.query(`SELECT COUNT(*) AS n ${sql}`, params))[0]?.n);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT c.id, c.name, r.segment, COALESCE(r.lifecycle, 'prospect') AS lifecycle,
              (SELECT MIN(s.name) FROM follow_relations f JOIN staff s ON s.id = f.staff_id WHERE f.customer_id = c.id AND f.status = 'active') AS owner
         ${sql} ORDER BY c.id LIMIT 20`,
      params,
    );
    return {
      count,
      sample: rows.map((r) => ({
        id: num(r.id),
        name: String(r.name),
        segment: (r.segment as string) ?? null,
        lifecycle: String(r.lifecycle),
        owners: (r.owner as string) ?? "",
      })),
    };
  }

  async list() {
    const rows = await this.ds.getRepository(Segment).find({ order: { id: "DESC" } });
    return rows.map((s) => this.view(s));
  }

  async get(id: number, user?: UserView) {
    const s = await this.ds.getRepository(Segment).findOneBy({ id });
    if (!s) throw new NotFoundError("No such segment");
    return { ...this.view(s), preview: await this.preview(s.rule as Rule, user) };
  }

  async save(input: { name: string; description?: string; rule: Rule }, userId: number, id?: number) {
    this.membersSql(input.rule); // validates depth
    const repo = this.ds.getRepository(Segment);
    const clash = await repo.findOneBy({ name: input.name });
    if (clash && clash.id !== id) throw new ConflictError(`A segment named ${input.name} exists`);
    const now = this.clock.now();
    const { count } = await this.preview(input.rule);
    if (id) {
      if (!(await repo.existsBy({ id }))) throw new NotFoundError("No such segment");
      await repo.update(
        { id },
        {
          name: input.name,
          description: input.description ?? null,
          rule: input.rule as object as Record<string, never>,
          lastCount: count,
          lastCountedAt: now,
          updatedAt: now,
        },
      );
      return this.view((await repo.findOneByOrFail({ id }))!);
    }
    const saved = await repo.save({
      name: input.name,
      description: input.description ?? null,
      rule: input.rule as object as Record<string, unknown>,
      lastCount: count,
      lastCountedAt: now,
      createdBy: userId,
      createdAt: now,
      updatedAt: now,
    });
    return this.view(saved);
  }

  async remove(id: number): Promise<void> {
    const r = await this.ds.getRepository(Segment).delete({ id });
    if (!r.affected) throw new NotFoundError("No such segment");
  }

  private view(s: Segment) {
    return {
      id: s.id,
      name: s.name,
      description: s.description,
      rule: s.rule,
      lastCount: s.lastCount,
      lastCountedAt: readTime(s.lastCountedAt)?.toISOString() ?? null,
      updatedAt: readTime(s.updatedAt)?.toISOString() ?? null,
    };
  }
}
