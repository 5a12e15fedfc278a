import { In, Not, IsNull, type EntityManager } from "typeorm";
import { Tag, TagGroup } from "../tags/tag.entity.ts";
import type { CorpTagGroup } from "../../wecom/wecom-types.ts";

/**
 * Mirrors WeCom's corp tag list into tag groups and tags of source `wecom` (code `wecom:<id>`),
 * leaving alone the tags Siyu itself mirrors into WeCom (they already carry their WeCom id).
 */
export class TagSyncWriter {
  constructor(private readonly em: EntityManager) {}

  async upsertCorpTags(groups: CorpTagGroup[], now: Date): Promise<number> {
    const tagRepo = this.em.getRepository(Tag);
    const groupRepo = this.em.getRepository(TagGroup);
    const ownIds = new Set(
      (
        await tagRepo.find({ select: { wecomTagId: true }, where: { wecomTagId: Not(IsNull()), source: Not("wecom") } })
      ).map((t) => t.wecomTagId!),
    );
    const seen: string[] = [];
    let count = 0;
    for (const g of groups) {
      if (g.deleted) continue;
      const tags = g.tag.filter((t) => !t.deleted && !ownIds.has(t.id));
      if (!tags.length) continue;
      const code = `wecom:${g.group_id}`;
      let group = await groupRepo.findOneBy({ code });
      if (!group)
        group = await groupRepo.save({
          code,
          name: g.group_name.slice(0, 50),
          source: "wecom",
          sort: g.order,
          wecomGroupId: g.group_id,
          createdAt: now,
          updatedAt: now,
        });
      else if (group.name !== g.group_name || group.sort !== g.order)
        await groupRepo.update({ id: group.id }, { name: g.group_name.slice(0, 50), sort: g.order, updatedAt: now });
      for (const t of tags) {
        const tagCode = `wecom:${t.id}`;
        seen.push(tagCode);
        const found = await tagRepo.findOneBy({ code: tagCode });
        if (!found)
          await tagRepo.insert({
            groupId: group.id,
            code: tagCode,
            name: t.name.slice(0, 50),
            source: "wecom",
            isSystem: false,
            mirrorToWecom: false,
            wecomTagId: t.id,
            sort: t.order,
            deletedAt: null,
            createdAt: now,
            updatedAt: now,
          });
        else if (found.name !== t.name || found.sort !== t.order || found.deletedAt || found.groupId !== group.id)
          await tagRepo.update(
            { id: found.id },
            { name: t.name.slice(0, 50), sort: t.order, groupId: group.id, deletedAt: null, updatedAt: now },
          );
        count++;
      }
    }
    // tags deleted in WeCom are soft-deleted here, keeping their history
    await tagRepo.update(
      { source: "wecom", deletedAt: IsNull(), ...(seen.length ? { code: Not(In(seen)) } : {}) },
      { deletedAt: now, updatedAt: now },
    );
    return count;
  }
}
