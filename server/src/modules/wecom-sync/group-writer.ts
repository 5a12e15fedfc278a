import { In, IsNull, Not, type EntityManager } from "typeorm";
import { dialectOf, forUpdate, insertIgnoreRows, sqlTime } from "../../db/dialect.ts";
import { Customer } from "../customers/customer.entity.ts";
import { CustomerGroup, GroupMember } from "../groups/group.entity.ts";
import { Staff } from "../staff/staff.entity.ts";
import type { GroupChatDetail } from "../../wecom/wecom-types.ts";

/**
 * Writes a customer group as groupchat/get describes it: the group row and the member diff
 * (new members in, returning members back, absent members given left_at). Idempotent.
 */
export class GroupWriter {
  constructor(private readonly em: EntityManager) {}

  async upsertGroup(
    d: GroupChatDetail,
    wecomStatus: number,
    now: Date,
  ): Promise<{ groupId: number; members: number; changed: boolean }> {
    const groups = this.em.getRepository(CustomerGroup);
    // Make sure the row exists, then lock it: writers of the same group (concurrent callbacks,
    // a sync) take turns, so the member diff below is never computed twice at once. The lock is
    // the transaction's first read, so InnoDB's snapshot starts after the previous writer's commit.
    const lock = () =>
      this.em.query(
        `SELECT id, member_version, status FROM customer_groups WHERE chat_id = ?${forUpdate(dialectOf(this.em))}`,
        [d.chat_id],
      );
    let [locked] = await lock();
    if (!locked) {
      const t = sqlTime(now);
      await insertIgnoreRows(
        this.em,
        "customer_groups",
        ["chat_id", "name", "owner_userid", "status", "created_at", "updated_at"],
        [[d.chat_id, (d.name ?? "").slice(0, 100), d.owner, "active", t, t]],
      );
      [locked] = await lock();
    }
    const owner = await this.em.getRepository(Staff).findOne({ select: { id: true }, where: { userid: d.owner } });
    const fields = {
      name: (d.name ?? "").slice(0, 100),
      ownerUserid: d.owner,
      ownerStaffId: owner?.id ?? null,
      notice: d.notice || null,
      wecomStatus,
      status: "active" as const,
      dismissedAt: null,
      memberVersion: d.member_version ?? null,
      memberCount: d.member_list.length,
      wecomCreatedAt: d.create_time ? new Date(d.create_time * 1000) : null,
      syncedAt: now,
    };
    const groupId = Number(locked.id);
    // Same member_version: WeCom says the members have not changed since we last wrote them.
    const membersUnchanged = Boolean(
      d.member_version && locked.member_version === d.member_version && locked.status === "active",
    );
    await groups.update({ id: groupId }, { ...fields, updatedAt: now });
    if (!membersUnchanged) await this.writeMembers(groupId, d, now);
    return { groupId, members: d.member_list.length, changed: !membersUnchanged };
  }

  async dismiss(chatId: string, now: Date): Promise<boolean> {
    const r = await this.em
      .getRepository(CustomerGroup)
      .update({ chatId, status: "active" }, { status: "dismissed", dismissedAt: now, updatedAt: now });
    return (r.affected ?? 0) > 0;
  }

  private async writeMembers(groupId: number, d: GroupChatDetail, now: Date): Promise<void> {
    const repo = this.em.getRepository(GroupMember);
    const ids = d.member_list.map((m) => m.userid);
    const externals = d.member_list.filter((m) => m.type === 2).map((m) => m.userid);
    const internals = d.member_list.filter((m) => m.type === 1).map((m) => m.userid);
    const customers = new Map(
      externals.length
        ? (
            await this.em
              .getRepository(Customer)
              .find({ select: { id: true, externalUserid: true }, where: { externalUserid: In(externals) } })
          ).map((c) => [c.externalUserid!, c.id])
        : [],
    );
    const staff = new Map(
      internals.length
        ? (
            await this.em
              .getRepository(Staff)
              .find({ select: { id: true, userid: true }, where: { userid: In(internals) } })
          ).map((s) => [s.userid, s.id])
        : [],
    );
    const admins = new Set((d.admin_list ?? []).map((a) => a.userid));
    const current = new Map((await repo.findBy({ groupId })).map((m) => [m.memberId, m]));
    for (const m of d.member_list) {
      const fields = {
        memberType: m.type,
        customerId: m.type === 2 ? (customers.get(m.userid) ?? null) : null,
        staffId: m.type === 1 ? (staff.get(m.userid) ?? null) : null,
        unionid: m.unionid || null,
        name: m.name ? m.name.slice(0, 100) : null,
        groupNickname: m.group_nickname ? m.group_nickname.slice(0, 100) : null,
        joinedAt: m.join_time ? new Date(m.join_time * 1000) : null,
        joinScene: m.join_scene ?? null,
        invitorUserid: m.invitor?.userid ?? null,
        state: m.state || null,
        isAdmin: admins.has(m.userid) || m.userid === d.owner,
        leftAt: null,
      };
      const found = current.get(m.userid);
      if (found) await repo.update({ id: found.id }, { ...fields, updatedAt: now });
      else
        await repo.insert({
          groupId,
          memberId: m.userid,
          ...fields,
          lastMessageAt: null,
          messageCount: 0,
          createdAt: now,
          updatedAt: now,
        });
    }
    await repo.update(
      { groupId, leftAt: IsNull(), ...(ids.length ? { memberId: Not(In(ids)) } : {}) },
      { leftAt: now, updatedAt: now },
    );
  }
}
