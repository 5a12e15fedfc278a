import { In, type DataSource } from "typeorm";
import { num, placeholders, readTime } from "../../db/dialect.ts";
import { ForbiddenError, NotFoundError, ValidationError, type FieldProblem } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import type { Paged } from "../customers/customers.schemas.ts";
import { Material } from "../materials/material.entity.ts";
import { GroupSop, GroupSopRun } from "./group-sop.entity.ts";
import type { SopRunStatus, SopTargets } from "./group-sops.schemas.ts";
import { nextOccurrence } from "./group-sop-schedule.ts";
import type {
  GroupOptionsQuery,
  GroupOptionView,
  GroupSopRunView,
  GroupSopView,
  SopInput,
  SopListQuery,
} from "./group-sops.schemas.ts";

const isHq = (user: UserView) => user.role === "hq_admin" || user.role === "hq_operator";
/** What the group bot can post: it sends text, so text materials and links written out as text. */
export const BOT_MATERIAL_TYPES = ["text", "link"];
const iso = (v: unknown) => readTime(v)?.toISOString() ?? null;

/**
 * Group SOPs as HQ and store managers edit them. A store manager sees and manages only SOPs whose
 * groups all lie in their stores (explicit groups owned by their stores' staff, owners in their
 * stores, or their own stores); anything else is answered 404. Only an HQ admin may let the bot
 * post by itself.
 */
export class GroupSopsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  // ---- reading ----

  async list(q: SopListQuery, user: UserView): Promise<Paged<GroupSopView>> {
    const all = await this.ds.getRepository(GroupSop).find({ order: { id: "DESC" } });
    // SOPs are few (tens): the store check runs per SOP rather than as SQL
    const mine: GroupSop[] = [];
    for (const s of all) if (await this.inScope(s.targets, user)) mine.push(s);
    const page = mine.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
    return { items: await this.views(page), page: q.page, pageSize: q.pageSize, total: mine.length };
  }

  async get(id: number, user: UserView): Promise<GroupSopView> {
    return (await this.views([await this.manageable(id, user)]))[0]!;
  }

  /** The occurrences of an SOP, newest first, with their targets counted by status. */
  async runs(id: number, q: SopListQuery, user: UserView): Promise<Paged<GroupSopRunView>> {
    await this.manageable(id, user);
    const [found, total] = await this.ds.getRepository(GroupSopRun).findAndCount({
      where: { sopId: id },
      order: { occursAt: "DESC", id: "DESC" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    const campaignIds = found.map((r) => r.campaignId).filter((x): x is number => x !== null);
    const counts = new Map<number, Record<string, number>>();
    const due = new Map<number, Date | null>();
    if (campaignIds.length) {
      for (const r of await this.ds.query(
        `SELECT campaign_id, status, COUNT(*) AS n FROM targets WHERE campaign_id IN (${placeholders(campaignIds.length)})
          GROUP BY campaign_id, status`,
        campaignIds,
      )) {
        const c = counts.get(num(r.campaign_id)) ?? {};
        c[String(r.status)] = num(r.n);
        counts.set(num(r.campaign_id), c);
      }
      for (const r of await this.ds.query(
        `SELECT id, deadline_at FROM campaigns WHERE id IN (${placeholders(campaignIds.length)})`,
        campaignIds,
      ))
        due.set(num(r.id), readTime(r.deadline_at));
    }
    return {
      page: q.page,
      pageSize: q.pageSize,
      total,
      items: found.map((r) => {
        const c = (r.campaignId && counts.get(r.campaignId)) || {};
        return {
          id: r.id,
          occursAt: iso(r.occursAt)!,
          status: r.status,
          campaignId: r.campaignId,
          groups: r.groupCount,
          tasks: r.taskCount,
          skippedSlots: r.skippedSlots,
          botPosted: r.botPosted,
          botFailed: r.botFailed,
          error: r.error,
          targets: {
            pending: c.pending ?? 0,
            sent: (c.sent ?? 0) + (c.converted ?? 0),
            skipped: c.skipped ?? 0,
            failed: c.failed ?? 0,
          },
          dueAt: r.campaignId ? (due.get(r.campaignId)?.toISOString() ?? null) : null,
        };
      }),
    };
  }

  /** Active groups the user may post to (group picker): a store manager's stores only. */
  async groupOptions(q: GroupOptionsQuery, user: UserView): Promise<{ items: GroupOptionView[] }> {
    const conds = ["g.status = 'active'", "g.owner_staff_id IS NOT NULL"];
    const params: unknown[] = [];
    if (q.q) {
      conds.push("g.name LIKE ?");
      params.push(`%${q.q.replace(/[%_]/g, "")}%`);
    }
    if (q.ownerId) {
      conds.push("g.owner_staff_id = ?");
      params.push(q.ownerId);
    }
    if (q.storeId) {
      conds.push("g.owner_staff_id IN (SELECT staff_id FROM staff_stores WHERE store_id = ?)");
      params.push(q.storeId);
    }
    if (!isHq(user)) {
      const stores = user.storeIds.length ? user.storeIds : [0];
      conds.push(
        `g.owner_staff_id IN (SELECT staff_id FROM staff_stores WHERE store_id IN (${placeholders(stores.length)}))`,
      );
      params.push(...stores);
    }
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT g.id, g.chat_id, g.name, g.member_count, s.id AS owner_id, s.name AS owner_name
         FROM customer_groups g LEFT JOIN staff s ON s.id = g.owner_staff_id
        WHERE ${conds.join(" AND ")} ORDER BY g.name, g.id LIMIT ?`,
      [...params, q.limit],
    );
    return {
      items: rows.map((r) => ({
        id: num(r.id),
        chatId: String(r.chat_id),
        name: String(r.name ?? ""),
        memberCount: num(r.member_count),
        owner: r.owner_id === null ? null : { id: num(r.owner_id), name: String(r.owner_name) },
      })),
    };
  }

  // ---- writing ----

  async create(input: SopInput, user: UserView): Promise<GroupSopView> {
    await this.check(input, user, null);
    const now = this.clock.now();
    const saved = await this.ds.getRepository(GroupSop).save({
      ...this.columns(input),
      nextRunAt: input.enabled ? nextOccurrence(input.schedule, now) : null,
      createdBy: user.id,
      createdAt: now,
      updatedAt: now,
    });
    return this.get(saved.id, user);
  }

  /** A changed schedule, or switching on, starts from the next slot after now: missed slots are not made up. */
  async update(id: number, input: SopInput, user: UserView): Promise<GroupSopView> {
    const existing = await this.manageable(id, user);
    await this.check(input, user, existing);
    const now = this.clock.now();
    const reschedule = existing.schedule !== input.schedule || existing.enabled !== input.enabled;
    await this.ds.getRepository(GroupSop).update(
      { id },
      {
        ...this.columns(input),
        ...(reschedule ? { nextRunAt: input.enabled ? nextOccurrence(input.schedule, now) : null } : {}),
        updatedAt: now,
      },
    );
    return this.get(id, user);
  }

  async toggle(id: number, enabled: boolean, user: UserView): Promise<GroupSopView> {
    const existing = await this.manageable(id, user);
    if (existing.enabled !== enabled) {
      const now = this.clock.now();
      await this.ds
        .getRepository(GroupSop)
        .update(
          { id },
          { enabled, nextRunAt: enabled ? nextOccurrence(existing.schedule, now) : null, updatedAt: now },
        );
    }
    return this.get(id, user);
  }

  /** Removes the SOP and its history; campaigns and tasks it already created stay as they are. */
  async remove(id: number, user: UserView): Promise<void> {
    await this.manageable(id, user);
    await this.ds.transaction(async (em) => {
      await em.getRepository(GroupSopRun).delete({ sopId: id });
      await em.getRepository(GroupSop).delete({ id });
    });
  }

  // ---- access ----

  async manageable(id: number, user: UserView): Promise<GroupSop> {
    const s = await this.ds.getRepository(GroupSop).findOneBy({ id });
    if (!s || !(await this.inScope(s.targets, user))) throw new NotFoundError("No such group SOP");
    return s;
  }

  private async inScope(targets: SopTargets, user: UserView): Promise<boolean> {
    if (isHq(user)) return true;
    return !(await this.outsideStores(targets, user.storeIds)).length;
  }

  /** The ids in `targets` that lie outside `storeIds` (groups, owners or stores, by kind). */
  private async outsideStores(targets: SopTargets, storeIds: number[]): Promise<number[]> {
    const stores = storeIds.length ? storeIds : [0];
    if (targets.kind === "stores") return targets.storeIds.filter((id) => !storeIds.includes(id));
    const wanted = targets.kind === "groups" ? targets.groupIds : targets.staffIds;
    if (!wanted.length) return [];
    const inside: { id: unknown }[] =
      targets.kind === "groups"
        ? await this.ds.query(
            `SELECT g.id FROM customer_groups g WHERE g.id IN (${placeholders(wanted.length)})
                AND g.owner_staff_id IN (SELECT staff_id FROM staff_stores WHERE store_id IN (${placeholders(stores.length)}))`,
            [...wanted, ...stores],
          )
        : await this.ds.query(
            `SELECT DISTINCT staff_id AS id FROM staff_stores
              WHERE staff_id IN (${placeholders(wanted.length)}) AND store_id IN (${placeholders(stores.length)})`,
            [...wanted, ...stores],
          );
    const ok = new Set(inside.map((r) => num(r.id)));
    return wanted.filter((id) => !ok.has(id));
  }

  private async check(input: SopInput, user: UserView, existing: GroupSop | null): Promise<void> {
    if (input.botAutoPost && !existing?.botAutoPost && user.role !== "hq_admin")
      throw new ForbiddenError("Only an HQ admin may let the bot post by itself (botAutoPost)");
    const problems: FieldProblem[] = [];
    const material = await this.ds.getRepository(Material).findOneBy({ id: input.materialId });
    if (!material || material.archivedAt) problems.push({ field: "materialId", reason: "no such material" });
    else if (input.botAutoPost && !BOT_MATERIAL_TYPES.includes(material.type))
      problems.push({ field: "botAutoPost", reason: `the bot posts text or link materials, not ${material.type}` });
    problems.push(...(await this.checkTargets(input.targets, user)));
    if (problems.length)
      throw new ValidationError(
        `Invalid group SOP: ${problems.map((p) => `${p.field}: ${p.reason}`).join("; ")}`,
        problems,
      );
  }

  private async checkTargets(targets: SopTargets, user: UserView): Promise<FieldProblem[]> {
    const [field, table, wanted] =
      targets.kind === "groups"
        ? ["targets.groupIds", "customer_groups", targets.groupIds]
        : targets.kind === "owners"
          ? ["targets.staffIds", "staff", targets.staffIds]
          : ["targets.storeIds", "stores", targets.storeIds];
    const rows: { id: unknown }[] = await this.ds.query(
      `SELECT id FROM ${table} WHERE id IN (${placeholders(wanted.length)})`,
      wanted,
    );
    const known = new Set(rows.map((r) => num(r.id)));
    const unknown = wanted.filter((id) => !known.has(id));
    if (unknown.length) return [{ field, reason: `unknown: ${unknown.join(", ")}` }];
    if (isHq(user)) return [];
    const outside = await this.outsideStores(targets, user.storeIds);
    return outside.length ? [{ field, reason: `outside your stores: ${outside.join(", ")}` }] : [];
  }

  private columns(input: SopInput) {
    return {
      name: input.name,
      materialId: input.materialId,
      targets: input.targets,
      schedule: input.schedule,
      dueHours: input.dueHours,
      enabled: input.enabled,
      botAutoPost: input.botAutoPost,
    };
  }

  private async views(sops: GroupSop[]): Promise<GroupSopView[]> {
    if (!sops.length) return [];
    const materials = await this.ds.getRepository(Material).findBy({ id: In(sops.map((s) => s.materialId)) });
    const byId = new Map(materials.map((m) => [m.id, m]));
    const ids = sops.map((s) => s.id);
    const last = new Map<number, { occursAt: string; status: SopRunStatus }>();
    for (const r of await this.ds.query(
      `SELECT r.sop_id, r.occurs_at, r.status FROM group_sop_runs r
        WHERE r.sop_id IN (${placeholders(ids.length)})
          AND r.occurs_at = (SELECT MAX(x.occurs_at) FROM group_sop_runs x WHERE x.sop_id = r.sop_id)`,
      ids,
    ))
      last.set(num(r.sop_id), { occursAt: iso(r.occurs_at)!, status: r.status as SopRunStatus });
    return sops.map((s) => {
      const m = byId.get(s.materialId);
      return {
        id: s.id,
        name: s.name,
        materialId: s.materialId,
        material: m ? { id: m.id, title: m.title, type: m.type } : null,
        targets: s.targets,
        schedule: s.schedule,
        dueHours: s.dueHours,
        enabled: Boolean(s.enabled),
        botAutoPost: Boolean(s.botAutoPost),
        nextRunAt: iso(s.nextRunAt),
        lastRun: last.get(s.id) ?? null,
        createdBy: s.createdBy,
        createdAt: iso(s.createdAt)!,
        updatedAt: iso(s.updatedAt)!,
      };
    });
  }
}
