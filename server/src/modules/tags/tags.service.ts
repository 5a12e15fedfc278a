import { IsNull, type DataSource } from "typeorm";
import { num, readTime, sqlTime } from "../../db/dialect.ts";
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import { AuditLog } from "../audit/audit-log.entity.ts";
import { CustomerTag, Tag, TagGroup, TagHistory } from "./tag.entity.ts";

export interface TagGroupView {
  id: number;
  code: string;
  name: string;
  source: string;
  tags: {
    id: number;
    code: string;
    name: string;
    source: string;
    isSystem: boolean;
    mirrorToWecom: boolean;
    wecomTagId: string | null;
    customers: number;
  }[];
}

/**
 * Tag groups and tags. System tags (rfm, lifecycle, group) belong to the engine: people may only
 * choose whether they are mirrored into WeCom. Manual tags are created, renamed, removed and put
 * on customers by hand; every change to a customer's tags is kept in tag_history.
 */
export class TagsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async groups(): Promise<TagGroupView[]> {
    const groups = await this.ds.getRepository(TagGroup).find({ order: { sort: "ASC", id: "ASC" } });
    const tags = await this.ds
      .getRepository(Tag)
      .find({ where: { deletedAt: IsNull() }, order: { sort: "ASC", id: "ASC" } });
    const counts: { tag_id: unknown; n: unknown }[] = await this.ds.query(
      "SELECT tag_id, COUNT(*) AS n FROM customer_tags GROUP BY tag_id",
    );
    const byTag = new Map(counts.map((c) => [num(c.tag_id), num(c.n)]));
    return groups.map((g) => ({
      id: g.id,
      code: g.code,
      name: g.name,
      source: g.source,
      tags: tags
        .filter((t) => t.groupId === g.id)
        .map((t) => ({
          id: t.id,
          code: t.code,
          name: t.name,
          source: t.source,
          isSystem: t.isSystem,
          mirrorToWecom: t.mirrorToWecom,
          wecomTagId: t.wecomTagId,
          customers: byTag.get(t.id) ?? 0,
        })),
    }));
  }

  async createGroup(name: string, actor: string): Promise<TagGroup> {
    const now = this.clock.now();
    const code = `manual:${name}`;
    if (await this.ds.getRepository(TagGroup).existsBy({ code }))
      throw new ConflictError(`Tag group ${name} already exists`);
    const g = await this.ds
      .getRepository(TagGroup)
      .save({ code, name, source: "manual", sort: 100, wecomGroupId: null, createdAt: now, updatedAt: now });
    await this.audit(actor, "tag_group.create", "tag_group", g.id, { name });
    return g;
  }

  async createTag(groupId: number, name: string, actor: string): Promise<Tag> {
    const group = await this.ds.getRepository(TagGroup).findOneBy({ id: groupId });
    if (!group) throw new ValidationError("Unknown tag group", [{ field: "groupId", reason: "no such tag group" }]);
    if (group.source !== "manual") throw new ForbiddenError("Tags of system and WeCom groups are not created by hand");
    const code = `manual:${groupId}:${name}`;
    const repo = this.ds.getRepository(Tag);
    if (await repo.existsBy({ code, deletedAt: IsNull() }))
      throw new ConflictError(`Tag ${name} already exists in this group`);
    const now = this.clock.now();
    const existing = await repo.findOneBy({ code });
    const tag = existing
      ? (await repo.update({ id: existing.id }, { deletedAt: null, updatedAt: now }), { ...existing, deletedAt: null })
      : await repo.save({
          groupId,
          code,
          name,
          source: "manual",
          isSystem: false,
          mirrorToWecom: false,
          wecomTagId: null,
          sort: 0,
          deletedAt: null,
          createdAt: now,
          updatedAt: now,
        });
    await this.audit(actor, "tag.create", "tag", tag.id, { name, groupId });
    return tag as Tag;
  }

  async updateTag(id: number, patch: { name?: string; mirrorToWecom?: boolean }, actor: string): Promise<Tag> {
    const tag = await this.ds.getRepository(Tag).findOneBy({ id, deletedAt: IsNull() });
    if (!tag) throw new NotFoundError("No such tag");
    if (patch.name !== undefined && (tag.isSystem || tag.source === "wecom"))
      throw new ForbiddenError("System and WeCom tags are named by the engine or by WeCom, not by hand");
    if (patch.mirrorToWecom !== undefined && !tag.isSystem)
      throw new ValidationError("Only system tags are mirrored into WeCom", [
        { field: "mirrorToWecom", reason: "only for system tags" },
      ]);
    await this.ds.getRepository(Tag).update({ id }, { ...patch, updatedAt: this.clock.now() });
    await this.audit(actor, "tag.update", "tag", id, patch);
    return { ...tag, ...patch };
  }

  async deleteTag(id: number, actor: string): Promise<void> {
    const tag = await this.ds.getRepository(Tag).findOneBy({ id, deletedAt: IsNull() });
    if (!tag) throw new NotFoundError("No such tag");
    if (tag.source !== "manual") throw new ForbiddenError("Only manual tags can be deleted by hand");
    const now = this.clock.now();
    await this.ds.transaction(async (em) => {
      // the customers lose the tag; their history keeps it
      await em.query(
        `INSERT INTO tag_history (customer_id, computation_id, kind, from_value, to_value, tag_id, actor, as_of, created_at)
         SELECT customer_id, NULL, 'tag_removed', ?, NULL, tag_id, ?, ?, ? FROM customer_tags WHERE tag_id = ?`,
        [tag.name, actor, sqlTime(now), sqlTime(now), id],
      );
      await em.getRepository(CustomerTag).delete({ tagId: id });
      await em.getRepository(Tag).update({ id }, { deletedAt: now, updatedAt: now });
    });
    await this.audit(actor, "tag.delete", "tag", id, { name: tag.name });
  }

  async addToCustomer(customerId: number, tagId: number, actor: string): Promise<void> {
    const tag = await this.manualTag(tagId);
    const now = this.clock.now();
    await this.ds.transaction(async (em) => {
      if (await em.getRepository(CustomerTag).existsBy({ customerId, tagId })) return;
      await em
        .getRepository(CustomerTag)
        .insert({ customerId, tagId, source: "manual", assignedBy: actor, createdAt: now });
      await em.getRepository(TagHistory).insert({
        customerId,
        computationId: null,
        kind: "tag_added",
        fromValue: null,
        toValue: tag.name,
        tagId,
        actor,
        asOf: now,
        createdAt: now,
      });
    });
  }

  async removeFromCustomer(customerId: number, tagId: number, actor: string): Promise<void> {
    const tag = await this.manualTag(tagId);
    const now = this.clock.now();
    await this.ds.transaction(async (em) => {
      const r = await em.getRepository(CustomerTag).delete({ customerId, tagId });
      if (!r.affected) return;
      await em.getRepository(TagHistory).insert({
        customerId,
        computationId: null,
        kind: "tag_removed",
        fromValue: tag.name,
        toValue: null,
        tagId,
        actor,
        asOf: now,
        createdAt: now,
      });
    });
  }

  async customerTagHistory(customerId: number) {
    const rows = await this.ds
      .getRepository(TagHistory)
      .find({ where: { customerId }, order: { id: "DESC" }, take: 100 });
    return rows.map((r) => ({ ...r, asOf: readTime(r.asOf)?.toISOString() }));
  }

  private async manualTag(tagId: number): Promise<Tag> {
    const tag = await this.ds.getRepository(Tag).findOneBy({ id: tagId, deletedAt: IsNull() });
    if (!tag) throw new ValidationError("Unknown tag", [{ field: "tagId", reason: "no such tag" }]);
    if (tag.source !== "manual") throw new ForbiddenError("System and WeCom tags cannot be changed by hand");
    return tag;
  }

  private async audit(
    actor: string,
    action: string,
    entity: string,
    id: number,
    details: Record<string, unknown>,
  ): Promise<void> {
    await this.ds.getRepository(AuditLog).insert({
      actorType: "user",
      actorId: actor,
      action,
      entity,
      entityId: String(id),
      details: details as Record<string, never>,
      ip: null,
      createdAt: this.clock.now(),
    });
  }
}
