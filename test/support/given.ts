import type { DataSource } from "typeorm";
import { Store } from "../../server/src/modules/stores/store.entity.ts";
import { Staff, StaffStore } from "../../server/src/modules/staff/staff.entity.ts";
import { Customer, FollowRelation } from "../../server/src/modules/customers/customer.entity.ts";
import { Order } from "../../server/src/modules/orders/order.entity.ts";
import { CustomerGroup, GroupMember } from "../../server/src/modules/groups/group.entity.ts";
import { Tag, TagGroup } from "../../server/src/modules/tags/tag.entity.ts";
import { AuthService } from "../../server/src/modules/auth/auth.service.ts";
import type { Role } from "../../server/src/modules/auth/user.entity.ts";
import { systemClock } from "../../server/src/platform/clock.ts";

/**
 * Builders: each makes one thing with sensible defaults, returns what it made, and knows nothing
 * of other tests. `given(ds).customer({ ... })`.
 */
export function given(ds: DataSource) {
  let n = 0;
  const seq = () => ++n + Math.floor(Math.random() * 1e6) * 1000;
  const now = new Date();
  return {
    store: (p: Partial<Store> = {}) =>
      ds
        .getRepository(Store)
        .save({ code: `S${seq()}`, name: "测试门店", city: "上海", createdAt: now, updatedAt: now, ...p }),

    staff: async (p: Partial<Staff> & { storeIds?: number[] } = {}) => {
      const { storeIds = [], ...fields } = p;
      const staff = await ds.getRepository(Staff).save({
        userid: `u${seq()}`,
        name: "导购",
        kind: "guide" as const,
        status: "active" as const,
        customerContactEnabled: true,
        mobile: null,
        avatar: null,
        position: null,
        syncedAt: null,
        createdAt: now,
        updatedAt: now,
        ...fields,
      });
      for (const storeId of storeIds)
        await ds.getRepository(StaffStore).save({ staffId: staff.id, storeId, isManager: false });
      return staff;
    },

    customer: (p: Partial<Customer> = {}) =>
      ds.getRepository(Customer).save({
        externalUserid: `wm${seq()}`,
        name: "客户",
        type: 1,
        gender: 0,
        source: "test",
        doNotDisturb: false,
        avatar: null,
        unionid: null,
        mobile: null,
        memberNo: null,
        corpName: null,
        createdAt: now,
        updatedAt: now,
        ...p,
      }),

    follow: (customerId: number, staffId: number, p: Partial<FollowRelation> = {}) =>
      ds.getRepository(FollowRelation).save({
        customerId,
        staffId,
        addWay: 1,
        addedAt: now,
        status: "active" as const,
        remark: null,
        description: null,
        remarkMobiles: null,
        state: null,
        operUserid: null,
        wecomTagIds: null,
        endedAt: null,
        lastContactedAt: null,
        syncedAt: null,
        createdAt: now,
        updatedAt: now,
        ...p,
      }),

    /** A tag group (manual unless told otherwise). */
    tagGroup: (p: Partial<TagGroup> = {}) =>
      ds.getRepository(TagGroup).save({
        code: `manual:g${seq()}`,
        name: "标签组",
        source: "manual" as const,
        sort: 0,
        wecomGroupId: null,
        createdAt: now,
        updatedAt: now,
        ...p,
      }),

    /** A tag in a group (a manual one, not mirrored to WeCom, unless told otherwise). */
    tag: (groupId: number, p: Partial<Tag> = {}) =>
      ds.getRepository(Tag).save({
        groupId,
        code: `manual:t${seq()}`,
        name: "标签",
        source: "manual" as const,
        isSystem: false,
        mirrorToWecom: false,
        wecomTagId: null,
        sort: 0,
        deletedAt: null,
        createdAt: now,
        updatedAt: now,
        ...p,
      }),

    /** A customer group owned by a staff member (active unless told otherwise). */
    group: (owner: { id: number; userid: string }, p: Partial<CustomerGroup> = {}) =>
      ds.getRepository(CustomerGroup).save({
        chatId: `wr${seq()}`,
        name: "客户群",
        ownerStaffId: owner.id,
        ownerUserid: owner.userid,
        notice: null,
        wecomStatus: 0,
        status: "active" as const,
        memberVersion: null,
        memberCount: 1,
        wecomCreatedAt: null,
        dismissedAt: null,
        syncedAt: null,
        createdAt: now,
        updatedAt: now,
        ...p,
      }),

    /** A member of a group: a customer (memberType 2) still in it, unless told otherwise. */
    groupMember: (groupId: number, p: Partial<GroupMember> = {}) =>
      ds.getRepository(GroupMember).save({
        groupId,
        memberId: `wm${seq()}`,
        memberType: 2,
        customerId: null,
        staffId: null,
        unionid: null,
        name: null,
        groupNickname: null,
        joinedAt: now,
        joinScene: 1,
        invitorUserid: null,
        state: null,
        isAdmin: false,
        leftAt: null,
        lastMessageAt: null,
        messageCount: 0,
        createdAt: now,
        updatedAt: now,
        ...p,
      }),

    order: (p: Partial<Order> = {}) =>
      ds.getRepository(Order).save({
        orderNo: `O${seq()}`,
        customerRef: "ref",
        customerId: null,
        paidAt: now,
        amountCents: 10000,
        refundCents: 0,
        status: "paid" as const,
        storeCode: null,
        storeId: null,
        source: "test",
        createdAt: now,
        updatedAt: now,
        ...p,
      }),

    user: (p: { role?: Role; username?: string; password?: string; storeCodes?: string[] } = {}) => {
      const password = p.password ?? "correct-horse-9";
      return new AuthService(ds, systemClock)
        .createUser({
          username: p.username ?? `user${seq()}`,
          password,
          displayName: "测试用户",
          role: p.role ?? "hq_admin",
          storeCodes: p.storeCodes ?? [],
        })
        .then((user) => ({ ...user, password }));
    },
  };
}
