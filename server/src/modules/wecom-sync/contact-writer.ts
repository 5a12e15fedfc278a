import { In, IsNull, type EntityManager } from "typeorm";
import { insertIgnore, dialectOf, placeholders, sqlTime } from "../../db/dialect.ts";
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
    const byExt = new Map(
      (await repo.findBy({ externalUserid: In(contacts.map((c) => c.external_userid)) })).map((c) => [
        c.externalUserid!,
        c,
      ]),
    );
    // a customer first known from an import (by unionid) becomes the WeCom contact, not a duplicate
    const unionids = contacts.filter((c) => !byExt.has(c.external_userid) && c.unionid).map((c) => c.unionid!);
    const byUnion = new Map(
      unionids.length
        ? (await repo.findBy({ unionid: In(unionids), externalUserid: IsNull() })).map((c) => [c.unionid!, c])
        : [],
    );
    const ids = new Map<string, number>();
    for (const c of contacts) {
      const fields = {
        externalUserid: c.external_userid,
        name: (c.name ?? "").slice(0, 100),
        avatar: c.avatar || null,
        type: c.type ?? 1,
        gender: c.gender ?? 0,
        corpName: c.corp_name || null,
      };
      const found = byExt.get(c.external_userid) ?? (c.unionid ? byUnion.get(c.unionid) : undefined);
      if (found) {
        const changed =
          found.externalUserid !== fields.externalUserid ||
          found.name !== fields.name ||
          found.avatar !== fields.avatar ||
          found.type !== fields.type ||
          found.gender !== fields.gender ||
          found.corpName !== fields.corpName ||
          (c.unionid && found.unionid !== c.unionid);
        if (changed)
          await repo.update({ id: found.id }, { ...fields, unionid: c.unionid || found.unionid, updatedAt: now });
        ids.set(c.external_userid, found.id);
      } else {
        const saved = await repo.insert({
          ...fields,
          unionid: c.unionid || null,
          mobile: null,
          memberNo: null,
          source: "wecom",
          doNotDisturb: false,
          createdAt: now,
          updatedAt: now,
        });
        ids.set(c.external_userid, saved.identifiers[0]!.id as number);
      }
    }
    await this.addIdentities(
      contacts.flatMap((c) => {
        const id = ids.get(c.external_userid)!;
        const keys: [string, string][] = [["external_userid", c.external_userid]];
        if (c.unionid) keys.push(["unionid", c.unionid]);
        return keys.map(([kind, value]) => ({ customerId: id, kind, value }));
      }),
      now,
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
        await repo.insert({ customerId, staffId, ...fields, lastContactedAt: null, createdAt: now, updatedAt: now });
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

  private async addIdentities(rows: { customerId: number; kind: string; value: string }[], now: Date): Promise<void> {
    if (!rows.length) return;
    const sql = `${insertIgnore(dialectOf(this.em))} INTO customer_identities (customer_id, kind, value, created_at) VALUES ${rows
      .map(() => `(${placeholders(4)})`)
      .join(", ")}`;
    await this.em.query(
      sql,
      rows.flatMap((r) => [r.customerId, r.kind, r.value, sqlTime(now)]),
    );
  }
}
