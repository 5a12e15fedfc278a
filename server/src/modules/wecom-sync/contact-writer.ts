import { In, IsNull, type EntityManager } from "typeorm";
import { insertIgnoreRows, sqlTime } from "../../db/dialect.ts";
import { Customer, FollowRelation, type FollowStatus } from "../customers/customer.entity.ts";
import { Staff } from "../staff/staff.entity.ts";
import type { ExternalContact, FollowInfo, WecomUser } from "../../wecom/wecom-types.ts";

export interface ContactWithFollow {
  contact: ExternalContact;
  follow: FollowInfo;
}

/**
 * Writes what WeCom says about staff, customers and follow relations. Shared by the full sync and
 * the callbacks, page by page (a handful of queries per page, never one per customer), and
 * idempotent: writing the same page twice changes nothing.
 */
export class ContactWriter {
  constructor(private readonly em: EntityManager) {}

  async upsertStaff(users: WecomUser[], followUserIds: Set<string>, now: Date): Promise<number> {
    const repo = this.em.getRepository(Staff);
    const existing = new Map((await repo.findBy({ userid: In(users.map((u) => u.userid)) })).map((s) => [s.userid, s]));
    for (const u of users) {
      const fields = {
        name: u.name,
        mobile: u.mobile || null,
        avatar: u.avatar || null,
        position: u.position || null,
        status: "active" as const,
        customerContactEnabled: followUserIds.has(u.userid),
        syncedAt: now,
        updatedAt: now,
      };
      const found = existing.get(u.userid);
      if (found) await repo.update({ id: found.id }, fields);
      else await repo.insert({ userid: u.userid, kind: "guide", createdAt: now, ...fields });
    }
    return users.length;
  }

  /** Returns the staff ids by userid for the given userids (unknown ones are absent). */
  async staffIds(userids: string[]): Promise<Map<string, number>> {
    if (!userids.length) return new Map();
    const rows = await this.em
      .getRepository(Staff)
      .find({ select: { id: true, userid: true }, where: { userid: In(userids) } });
    return new Map(rows.map((r) => [r.userid, r.id]));
  }

  /** Upserts customers and their follow relations; returns customer ids by external_userid. */
  async upsertContacts(items: ContactWithFollow[], now: Date): Promise<Map<string, number>> {
    const ids = await this.upsertCustomers(
      [...new Map(items.map((i) => [i.contact.external_userid, i.contact])).values()],
      now,
    );
    const staff = await this.staffIds([...new Set(items.map((i) => i.follow.userid))]);
    const relations = items
      .filter((i) => staff.has(i.follow.userid) && ids.has(i.contact.external_userid))
      .map((i) => ({
        customerId: ids.get(i.contact.external_userid)!,
        staffId: staff.get(i.follow.userid)!,
        follow: i.follow,
      }));
    await this.upsertFollows(relations, now);
    return ids;
  }

  async upsertCustomers(contacts: ExternalContact[], now: Date): Promise<Map<string, number>> {
    const repo = this.em.getRepository(Customer);
    const extIds = contacts.map((c) => c.external_userid);
    const byExt = new Map((await repo.findBy({ externalUserid: In(extIds) })).map((c) => [c.externalUserid!, c]));
    // a customer first known from an import (by unionid) becomes the WeCom contact, not a duplicate
    const unionids = contacts.filter((c) => !byExt.has(c.external_userid) && c.unionid).map((c) => c.unionid!);
    const byUnion = new Map(
      unionids.length
        ? (await repo.findBy({ unionid: In(unionids), externalUserid: IsNull() })).map((c) => [c.unionid!, c])
        : [],
    );
    const fieldsOf = (c: ExternalContact) => ({
      externalUserid: c.external_userid,
      name: (c.name ?? "").slice(0, 100),
      avatar: c.avatar || null,
      type: c.type ?? 1,
      gender: c.gender ?? 0,
      corpName: c.corp_name || null,
    });
    const fresh: ExternalContact[] = [];
    for (const c of contacts) {
      const found = byExt.get(c.external_userid) ?? (c.unionid ? byUnion.get(c.unionid) : undefined);
      if (!found) {
        fresh.push(c);
        continue;
      }
      const f = fieldsOf(c);
      const changed =
        found.externalUserid !== f.externalUserid ||
        found.name !== f.name ||
        found.avatar !== f.avatar ||
        found.type !== f.type ||
        found.gender !== f.gender ||
        found.corpName !== f.corpName ||
        Boolean(c.unionid && found.unionid !== c.unionid);
      if (changed) await repo.update({ id: found.id }, { ...f, unionid: c.unionid || found.unionid, updatedAt: now });
    }
    // new customers: insert-or-ignore, so two writers racing on one customer both succeed
    const t = sqlTime(now);
    await insertIgnoreRows(
      this.em,
      "customers",
      [
        "external_userid",
        "name",
        "avatar",
        "type",
        "gender",
        "unionid",
        "corp_name",
        "source",
        "do_not_disturb",
        "created_at",
        "updated_at",
      ],
      fresh.map((c) => {
        const f = fieldsOf(c);
        return [f.externalUserid, f.name, f.avatar, f.type, f.gender, c.unionid || null, f.corpName, "wecom", 0, t, t];
      }),
    );
    const rows = await repo.find({ select: { id: true, externalUserid: true }, where: { externalUserid: In(extIds) } });
    const ids = new Map(rows.map((r) => [r.externalUserid!, r.id]));
    await insertIgnoreRows(
      this.em,
      "customer_identities",
      ["customer_id", "kind", "value", "created_at"],
      contacts.flatMap((c) => {
        const id = ids.get(c.external_userid)!;
        const keys: unknown[][] = [[id, "external_userid", c.external_userid, t]];
        if (c.unionid) keys.push([id, "unionid", c.unionid, t]);
        return keys;
      }),
    );
    return ids;
  }

  async upsertFollows(
    relations: { customerId: number; staffId: number; follow: FollowInfo }[],
    now: Date,
  ): Promise<void> {
    if (!relations.length) return;
    const repo = this.em.getRepository(FollowRelation);
    const existing = await repo.findBy({ customerId: In([...new Set(relations.map((r) => r.customerId))]) });
    const key = (c: number, s: number) => `${c}:${s}`;
    const byKey = new Map(existing.map((r) => [key(r.customerId, r.staffId), r]));
    for (const { customerId, staffId, follow: f } of relations) {
      const fields = {
        remark: f.remark || null,
        description: f.description || null,
        remarkMobiles: f.remark_mobiles?.length ? f.remark_mobiles.map(String) : null,
        addWay: f.add_way ?? 0,
        state: f.state || null,
        operUserid: f.oper_userid || null,
        wecomTagIds: f.tag_id ? [...f.tag_id].sort() : null,
        addedAt: new Date(f.createtime * 1000),
        status: "active" as FollowStatus,
        endedAt: null,
        syncedAt: now,
      };
      const found = byKey.get(key(customerId, staffId));
      if (!found) {
        const t = sqlTime(now);
        await insertIgnoreRows(
          this.em,
          "follow_relations",
          [
            "customer_id",
            "staff_id",
            "remark",
            "description",
            "remark_mobiles",
            "add_way",
            "state",
            "oper_userid",
            "wecom_tag_ids",
            "added_at",
            "status",
            "synced_at",
            "created_at",
            "updated_at",
          ],
          [
            [
              customerId,
              staffId,
              fields.remark,
              fields.description,
              fields.remarkMobiles ? JSON.stringify(fields.remarkMobiles) : null,
              fields.addWay,
              fields.state,
              fields.operUserid,
              fields.wecomTagIds ? JSON.stringify(fields.wecomTagIds) : null,
              sqlTime(fields.addedAt),
              "active",
              t,
              t,
              t,
            ],
          ],
        );
        byKey.set(key(customerId, staffId), { customerId, staffId } as FollowRelation);
        continue;
      }
      const same =
        found.remark === fields.remark &&
        found.description === fields.description &&
        JSON.stringify(found.remarkMobiles) === JSON.stringify(fields.remarkMobiles) &&
        found.addWay === fields.addWay &&
        found.state === fields.state &&
        found.operUserid === fields.operUserid &&
        JSON.stringify(found.wecomTagIds) === JSON.stringify(fields.wecomTagIds) &&
        found.addedAt?.getTime() === fields.addedAt.getTime() &&
        found.status === "active";
      // syncedAt always moves: it is how a full sync tells which relations disappeared
      await repo.update({ id: found.id }, same ? { syncedAt: now } : { ...fields, updatedAt: now });
    }
  }

  async endFollow(
    customerId: number,
    staffId: number,
    status: Exclude<FollowStatus, "active">,
    now: Date,
  ): Promise<boolean> {
    const result = await this.em
      .getRepository(FollowRelation)
      .update({ customerId, staffId, status: "active" }, { status, endedAt: now, updatedAt: now });
    return (result.affected ?? 0) > 0;
  }
}
