import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { CustomerGroup, GroupMember } from "../../server/src/modules/groups/group.entity.ts";
import { RfmService } from "../../server/src/modules/rfm/rfm.service.ts";
import { SettingsService } from "../../server/src/modules/settings/settings.service.ts";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

/**
 * rfm.md "Group tags": `group:<chat_id>` for current membership of an active group; `group_active`
 * for a message in any tracked group within groupActiveDays (7) before asOf; `group_silent` for a
 * current member without one within groupSilentDays (30). "Within the last d days before asOf" is
 * asOf - d days < last_message_at <= asOf, like the order window.
 */
const AS_OF = new Date("2026-06-01T00:00:00.000Z");
const DAY = 86_400_000;
const ago = (ms: number) => new Date(AS_OF.getTime() - ms);

describe(`RFM group tags (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let rfm: RfmService;

  beforeAll(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
  });
  afterAll(async () => {
    await ds.destroy();
    await db.drop();
  });
  beforeEach(async () => {
    for (const t of ["customers", "customer_groups", "group_members", "customer_tags", "customer_rfm", "tags"])
      await ds.query(`DELETE FROM ${t}`);
    const clock = fixedClock(new Date("2026-06-02T08:00:00Z"));
    rfm = new RfmService(ds, clock, new SettingsService(ds, clock), createLogger("silent"));
  });

  const now = new Date();
  const group = (chatId: string, name: string, status: "active" | "dismissed" = "active") =>
    ds.getRepository(CustomerGroup).save({
      chatId,
      name,
      ownerStaffId: null,
      ownerUserid: "owner",
      notice: null,
      wecomStatus: 0,
      status,
      memberVersion: null,
      memberCount: 0,
      wecomCreatedAt: null,
      dismissedAt: null,
      syncedAt: null,
      createdAt: now,
      updatedAt: now,
    });
  const member = (groupId: number, customerId: number, p: { leftAt?: Date; lastMessageAt?: Date } = {}) =>
    ds.getRepository(GroupMember).save({
      groupId,
      memberId: `wm-member-${customerId}`,
      memberType: 2,
      customerId,
      staffId: null,
      unionid: null,
      name: null,
      groupNickname: null,
      joinedAt: null,
      joinScene: null,
      invitorUserid: null,
      state: null,
      isAdmin: false,
      leftAt: p.leftAt ?? null,
      lastMessageAt: p.lastMessageAt ?? null,
      messageCount: p.lastMessageAt ? 1 : 0,
      createdAt: now,
      updatedAt: now,
    });
  const groupTags = async () => {
    const rows: { customer_id: unknown; code: string }[] = await ds.query(
      `SELECT ct.customer_id, t.code FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE ct.source = 'group' ORDER BY ct.customer_id, t.code`,
    );
    const out: Record<number, string[]> = {};
    for (const r of rows) (out[Number(r.customer_id)] ??= []).push(r.code);
    for (const codes of Object.values(out)) codes.sort(); // byte order (MySQL's collation orders '_' and ':' otherwise)
    return out;
  };

  it("tags current members of active groups, recent talkers and silent members, at the exact edges", async () => {
    const g = given(ds);
    const one = await group("wrOne", "会员一群");
    const two = await group("wrTwo", "");
    const gone = await group("wrGone", "已解散群", "dismissed");
    const c = async () => (await g.customer()).id;
    const [a, b, cc, d, e, f, f30, fut, twice] = [
      await c(),
      await c(),
      await c(),
      await c(),
      await c(),
      await c(),
      await c(),
      await c(),
      await c(),
    ];
    await member(one.id, a, { lastMessageAt: ago(6 * DAY) }); // active
    await member(one.id, b, { lastMessageAt: ago(7 * DAY) }); // exactly 7 days: not active, not silent
    await member(two.id, cc); // never wrote: silent
    await member(two.id, d, { leftAt: ago(DAY), lastMessageAt: ago(2 * DAY) }); // left: active only
    await member(gone.id, e); // a dismissed group: nothing
    await member(one.id, f, { lastMessageAt: ago(31 * DAY) }); // silent
    await member(one.id, f30, { lastMessageAt: ago(30 * DAY) }); // exactly 30 days: silent
    await member(two.id, fut, { lastMessageAt: new Date(AS_OF.getTime() + 3600_000) }); // after asOf: silent
    await member(one.id, twice, { lastMessageAt: ago(40 * DAY) });
    await member(two.id, twice, { lastMessageAt: ago(20 * DAY) }); // spoke in another group: not silent

    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await groupTags()).toEqual({
      [a]: ["group:wrOne", "group_active"],
      [b]: ["group:wrOne"],
      [cc]: ["group:wrTwo", "group_silent"],
      [d]: ["group_active"],
      [f]: ["group:wrOne", "group_silent"],
      [f30]: ["group:wrOne", "group_silent"],
      [fut]: ["group:wrTwo", "group_silent"],
      [twice]: ["group:wrOne", "group:wrTwo"],
    });
    const tags = await ds.query(
      "SELECT code, name, source, is_system FROM tags WHERE code LIKE 'group:%' AND deleted_at IS NULL ORDER BY id",
    );
    expect(tags.map((t: Record<string, unknown>) => [t.code, t.name, t.source, Number(t.is_system)])).toEqual([
      ["group:wrOne", "会员一群", "group", 1],
      ["group:wrTwo", "wrTwo", "group", 1], // an unnamed group is named by its chat id
    ]);
  });

  it("follows joins, leaves, renames and dismissals on the next computation, writing only the changes", async () => {
    const g = given(ds);
    const one = await group("wrOne", "一群");
    const two = await group("wrTwo", "二群");
    const a = (await g.customer()).id;
    const b = (await g.customer()).id;
    const am = await member(one.id, a, { lastMessageAt: ago(DAY) });
    await member(two.id, b, { lastMessageAt: ago(DAY) });
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await groupTags()).toEqual({ [a]: ["group:wrOne", "group_active"], [b]: ["group:wrTwo", "group_active"] });
    const [before] = await ds.query(
      "SELECT ct.created_at FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id WHERE t.code = 'group:wrTwo'",
    );

    await ds.getRepository(GroupMember).update({ id: am.id }, { leftAt: ago(3600_000) });
    await member(two.id, a, { lastMessageAt: ago(DAY) });
    await ds.getRepository(CustomerGroup).update({ id: one.id }, { status: "dismissed" });
    await ds.getRepository(CustomerGroup).update({ id: two.id }, { name: "二群（新）" });
    await rfm.recompute({ asOf: new Date(AS_OF.getTime() + 10 * DAY), triggeredBy: "test" });
    // ten days on, yesterday's messages are 11 days old: neither active nor silent
    expect(await groupTags()).toEqual({ [a]: ["group:wrTwo"], [b]: ["group:wrTwo"] });
    const [after] = await ds.query(
      `SELECT ct.created_at FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE t.code = 'group:wrTwo' AND ct.customer_id = ?`,
      [b],
    );
    expect(after.created_at).toEqual(before.created_at); // an unchanged row is left as it was
    const tags = await ds.query("SELECT code, name, deleted_at FROM tags WHERE code LIKE 'group:%' ORDER BY id");
    expect(tags.map((t: Record<string, unknown>) => [t.code, t.name, t.deleted_at !== null])).toEqual([
      ["group:wrOne", "一群", true],
      ["group:wrTwo", "二群（新）", false],
    ]);
  });

  it("reads the group day limits from the settings", async () => {
    const g = given(ds);
    const one = await group("wrOne", "一群");
    const a = (await g.customer()).id;
    await member(one.id, a, { lastMessageAt: ago(10 * DAY) });
    await rfm.updateSettings({ groupActiveDays: 14, groupSilentDays: 14 }, "admin");
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await groupTags()).toEqual({ [a]: ["group:wrOne", "group_active"] });
    await rfm.updateSettings({ groupActiveDays: 5, groupSilentDays: 9 }, "admin");
    await rfm.recompute({ asOf: AS_OF, triggeredBy: "test" });
    expect(await groupTags()).toEqual({ [a]: ["group:wrOne", "group_silent"] });
    await rfm.updateSettings({ groupActiveDays: 7, groupSilentDays: 30 }, "admin");
  });
});
