import { In, IsNull, type DataSource } from "typeorm";
import { num, placeholders, readJson, readTime } from "../../db/dialect.ts";
import { NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import { Material, MaterialFolder } from "./material.entity.ts";
import { checkTemplate, renderTemplate, type RenderContext } from "./material-template.ts";
import type { MaterialContent } from "./material.schemas.ts";

/** Text fields of each material type that may carry variables. */
const TEMPLATED: Record<MaterialContent["type"], string[]> = {
  text: ["text"],
  image: ["text"],
  link: ["title", "desc", "text"],
  miniprogram: ["title"],
  file: [],
};

/**
 * The material library: folders, materials of five types, search, usage counts, and rendering
 * for one customer and staff member. Unknown variables are refused when a material is saved.
 */
export class MaterialsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async folders() {
    return this.ds.getRepository(MaterialFolder).find({ order: { sort: "ASC", id: "ASC" } });
  }

  async createFolder(name: string, parentId: number | null): Promise<MaterialFolder> {
    if (parentId && !(await this.ds.getRepository(MaterialFolder).existsBy({ id: parentId })))
      throw new ValidationError("Unknown parent folder", [{ field: "parentId", reason: "no such folder" }]);
    return this.ds.getRepository(MaterialFolder).save({ name, parentId, sort: 0, createdAt: this.clock.now() });
  }

  async search(q: { q?: string; folderId?: number; type?: string; page: number; pageSize: number }) {
    const conds = ["m.archived_at IS NULL"];
    const params: unknown[] = [];
    if (q.folderId) {
      conds.push("m.folder_id = ?");
      params.push(q.folderId);
    }
    if (q.type) {
      conds.push("m.type = ?");
      params.push(q.type);
    }
    if (q.q) {
      const like = `%${q.q.replace(/[!%_]/g, (m) => `!${m}`)}%`;
      conds.push("(m.title LIKE ? ESCAPE '!' OR m.keywords LIKE ? ESCAPE '!' OR m.content LIKE ? ESCAPE '!')");
      params.push(like, like, like);
    }
    const where = `WHERE ${conds.join(" AND ")}`;
    const total = num((await this.ds.query(`SELECT COUNT(*) AS n FROM materials m ${where}`, params))[0]?.n);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT m.id FROM materials m ${where} ORDER BY m.usage_count DESC, m.id DESC LIMIT ? OFFSET ?`,
      [...params, q.pageSize, (q.page - 1) * q.pageSize],
    );
    const found = rows.length
      ? await this.ds.getRepository(Material).findBy({ id: In(rows.map((r) => num(r.id))) })
      : [];
    const byId = new Map(found.map((m) => [m.id, m]));
    return { items: rows.map((r) => this.view(byId.get(num(r.id))!)), page: q.page, pageSize: q.pageSize, total };
  }

  async get(id: number) {
    const m = await this.ds.getRepository(Material).findOneBy({ id, archivedAt: IsNull() });
    if (!m) throw new NotFoundError("No such material");
    return this.view(m);
  }

  async save(
    input: { title: string; folderId?: number | null; keywords?: string; content: MaterialContent },
    userId: number | null,
    id?: number,
  ) {
    const content = input.content as Record<string, unknown> & MaterialContent;
    for (const f of TEMPLATED[content.type])
      if (typeof content[f] === "string") checkTemplate(content[f] as string, `content.${f}`);
    if (input.folderId && !(await this.ds.getRepository(MaterialFolder).existsBy({ id: input.folderId })))
      throw new ValidationError("Unknown folder", [{ field: "folderId", reason: "no such folder" }]);
    const repo = this.ds.getRepository(Material);
    const now = this.clock.now();
    const fields = {
      title: input.title,
      folderId: input.folderId ?? null,
      keywords: input.keywords ?? null,
      type: content.type,
      content: content as unknown as Record<string, never>,
      updatedAt: now,
    };
    if (id) {
      const r = await repo.update({ id, archivedAt: IsNull() }, fields);
      if (!r.affected) throw new NotFoundError("No such material");
      return this.get(id);
    }
    const saved = await repo.save({ ...fields, usageCount: 0, createdBy: userId, archivedAt: null, createdAt: now });
    return this.view(saved);
  }

  /** Archived, not deleted: campaigns that used it keep their record. */
  async archive(id: number): Promise<void> {
    const r = await this.ds
      .getRepository(Material)
      .update({ id, archivedAt: IsNull() }, { archivedAt: this.clock.now() });
    if (!r.affected) throw new NotFoundError("No such material");
  }

  /** The material's content with variables filled in for one customer and staff member. */
  async render(id: number, customerId: number | null, staffId: number | null): Promise<MaterialContent> {
    const m = (await this.renderMany([id], customerId, staffId)).get(id);
    if (!m) throw new NotFoundError("No such material");
    return m.content;
  }

  /**
   * Several materials rendered for one customer and staff member, by id: one read of the materials
   * and one of the variables, however many there are (a sidebar page shows every pending target's).
   * Ids that name no material are absent from the answer.
   */
  async renderMany(
    ids: number[],
    customerId: number | null,
    staffId: number | null,
  ): Promise<Map<number, { title: string; content: MaterialContent }>> {
    const unique = [...new Set(ids)];
    const out = new Map<number, { title: string; content: MaterialContent }>();
    if (!unique.length) return out;
    const [rows, ctx] = await Promise.all([
      this.ds.query(`SELECT id, title, content FROM materials WHERE id IN (${placeholders(unique.length)})`, unique),
      this.context(customerId, staffId),
    ]);
    for (const r of rows as Record<string, unknown>[]) {
      const content = { ...readJson<Record<string, unknown>>(r.content) } as Record<string, unknown> & MaterialContent;
      for (const f of TEMPLATED[content.type])
        if (typeof content[f] === "string") content[f] = renderTemplate(content[f] as string, ctx);
      out.set(num(r.id), { title: String(r.title), content });
    }
    return out;
  }

  /**
   * Unsaved content as a sample customer would get it (the admin editor's preview): the given
   * customer, else the first followed customer, with their first active follower as staff. A store
   * manager's sample is a customer followed by their stores' staff.
   */
  async preview(
    content: MaterialContent,
    customerId: number | null,
    user: UserView,
  ): Promise<{ content: MaterialContent; customer: { id: number; name: string } | null }> {
    const out = { ...content } as Record<string, unknown> & MaterialContent;
    for (const f of TEMPLATED[out.type])
      if (typeof out[f] === "string") checkTemplate(out[f] as string, `content.${f}`);
    const hq = user.role === "hq_admin" || user.role === "hq_operator";
    const stores = hq ? null : user.storeIds.length ? user.storeIds : [0];
    const followed = stores
      ? `f.customer_id = c.id AND f.status = 'active' AND f.staff_id IN (SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${placeholders(stores.length)}))`
      : "f.customer_id = c.id AND f.status = 'active'";
    const [sample] = await this.ds.query(
      `SELECT c.id, c.name, (SELECT MIN(f.staff_id) FROM follow_relations f WHERE ${followed}) AS staff_id
         FROM customers c
        WHERE EXISTS (SELECT 1 FROM follow_relations f WHERE ${followed})${customerId ? " AND c.id = ?" : ""}
        ORDER BY c.id LIMIT 1`,
      [...(stores ?? []), ...(stores ?? []), ...(customerId ? [customerId] : [])],
    );
    const ctx = sample
      ? await this.context(num(sample.id), sample.staff_id === null ? null : num(sample.staff_id))
      : {};
    for (const f of TEMPLATED[out.type]) if (typeof out[f] === "string") out[f] = renderTemplate(out[f] as string, ctx);
    return { content: out, customer: sample ? { id: num(sample.id), name: String(sample.name) } : null };
  }

  async countUse(id: number): Promise<void> {
    await this.ds.query("UPDATE materials SET usage_count = usage_count + 1 WHERE id = ?", [id]);
  }

  private async context(customerId: number | null, staffId: number | null): Promise<RenderContext> {
    const ctx: RenderContext = {};
    const [[c], [s]] = await Promise.all([
      customerId
        ? this.ds.query(
            `SELECT c.name, c.gender, (SELECT f.remark FROM follow_relations f WHERE f.customer_id = c.id AND f.staff_id = ? AND f.status = 'active') AS remark
               FROM customers c WHERE c.id = ?`,
            [staffId ?? 0, customerId],
          )
        : [],
      staffId
        ? this.ds.query(
            `SELECT s.name, (SELECT MIN(st.name) FROM staff_stores ss JOIN stores st ON st.id = ss.store_id WHERE ss.staff_id = s.id) AS store
               FROM staff s WHERE s.id = ?`,
            [staffId],
          )
        : [],
    ]);
    if (c) {
      ctx["customer.name"] = c.name;
      ctx["customer.remark"] = c.remark || c.name;
      ctx["customer.title"] = num(c.gender) === 1 ? "先生" : num(c.gender) === 2 ? "女士" : "";
    }
    if (s) {
      ctx["staff.name"] = s.name;
      ctx["store.name"] = s.store ?? "";
    }
    return ctx;
  }

  private view(m: Material) {
    return {
      id: m.id,
      title: m.title,
      type: m.type,
      folderId: m.folderId,
      keywords: m.keywords,
      content: m.content,
      usageCount: m.usageCount,
      updatedAt: readTime(m.updatedAt)?.toISOString() ?? null,
    };
  }
}
