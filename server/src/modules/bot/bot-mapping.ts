import type { EntityManager } from "typeorm";
import {
  dialectOf,
  execute,
  forUpdate,
  insertIgnoreRows,
  num,
  placeholders,
  readTime,
  sqlTime,
} from "../../db/dialect.ts";
import { ConflictError, NotFoundError } from "../../http/errors.ts";
import type { MappedBy } from "./bot.entity.ts";
import { addToMembers, addToMembersParams } from "./bot-sql.ts";

/** The chunk size of IN lists (well under both databases' parameter limits). */
export const IN_CHUNK = 5000;

export function chunks<T>(items: readonly T[], size = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `(a = ? AND b IN (…)) OR …` over (a, b) pairs grouped by a, in chunks of at most `size`
 * parameters: both planners walk the (a, b) index once per pair, where `a IN (…) AND b IN (…)`
 * would probe the whole cross product.
 */
export function pairChunks(
  pairs: readonly (readonly [number, string])[],
  a: string,
  b: string,
  size = IN_CHUNK,
): { where: string; params: unknown[] }[] {
  const byA = new Map<number, Set<string>>();
  for (const [x, y] of pairs) {
    if (!byA.has(x)) byA.set(x, new Set());
    byA.get(x)!.add(y);
  }
  const out: { where: string; params: unknown[] }[] = [];
  let terms: string[] = [];
  let params: unknown[] = [];
  const flush = () => {
    if (terms.length) out.push({ where: `(${terms.join(" OR ")})`, params });
    terms = [];
    params = [];
  };
  for (const [x, ys] of byA)
    for (const part of chunks([...ys], size - 1)) {
      if (params.length + part.length + 1 > size) flush();
      terms.push(`(${a} = ? AND ${b} IN (${placeholders(part.length)}))`);
      params.push(x, ...part);
    }
  flush();
  return out;
}

export interface RoomRow {
  id: number;
  roomId: string;
  topic: string;
  ownerId: string | null;
  groupId: number | null;
  mappedBy: MappedBy | null;
  version: number;
}

export const ROOM_COLUMNS = "id, room_id, topic, owner_id, group_id, mapped_by, mapping_version";
export const toRoomRow = (r: Record<string, unknown>): RoomRow => ({
  id: num(r.id),
  roomId: String(r.room_id),
  topic: String(r.topic ?? ""),
  ownerId: r.owner_id == null ? null : String(r.owner_id),
  groupId: r.group_id == null ? null : num(r.group_id),
  mappedBy: (r.mapped_by ?? null) as MappedBy | null,
  version: num(r.mapping_version),
});

export interface Delta {
  groupMemberId: number;
  messages: number;
  lastMessageAt: Date | null;
}

/**
 * Which customer group a room stands for, and which group member a room member is: the rules
 * shared by the write batches and the admin's corrections.
 *
 * Rooms: the puppet's room id equal to a group's chat id (WeCom puppets that expose it), else a
 * single active group whose name is the room's topic and whose owner's userid is the room owner's
 * id. One room per group. An admin mapping is never overwritten.
 *
 * Members: group_members.member_id equal to the puppet's contact id (WeCom puppets give the
 * userid / external_userid); failing that, the one current member of the group whose name or
 * group nickname equals the contact's name (no match when two members share it).
 */
export class BotMapping {
  /** Group members of `groupId` for these puppet contacts (see the class comment). */
  async resolveMembers(
    em: EntityManager,
    wanted: { groupId: number; key: string; name: string | null }[],
  ): Promise<Map<string, number>> {
    const found = new Map<string, number>(); // `${groupId}|${key}` -> group_members.id
    if (!wanted.length) return found;
    for (const { where, params } of pairChunks(
      wanted.map((w) => [w.groupId, w.key] as const),
      "group_id",
      "member_id",
    )) {
      const rows: Record<string, unknown>[] = await em.query(
        `SELECT id, group_id, member_id FROM group_members WHERE ${where}`,
        params,
      );
      for (const r of rows) found.set(`${num(r.group_id)}|${String(r.member_id)}`, num(r.id));
    }
    const byName = wanted.filter((w) => w.name && !found.has(`${w.groupId}|${w.key}`));
    if (!byName.length) return found;
    const groups = [...new Set(byName.map((w) => w.groupId))];
    const names = [...new Set(byName.map((w) => w.name!))];
    const candidates = new Map<string, Set<number>>(); // `${groupId}|${name}` -> member rows
    for (const part of chunks(names, IN_CHUNK / 2)) {
      const rows: Record<string, unknown>[] = await em.query(
        `SELECT id, group_id, name, group_nickname FROM group_members
          WHERE group_id IN (${placeholders(groups.length)}) AND left_at IS NULL
            AND (name IN (${placeholders(part.length)}) OR group_nickname IN (${placeholders(part.length)}))`,
        [...groups, ...part, ...part],
      );
      for (const r of rows)
        for (const n of new Set([r.name, r.group_nickname]))
          if (n != null) {
            const k = `${num(r.group_id)}|${String(n)}`;
            if (!candidates.has(k)) candidates.set(k, new Set());
            candidates.get(k)!.add(num(r.id));
          }
    }
    for (const w of byName) {
      const ids = candidates.get(`${w.groupId}|${w.name}`);
      if (ids?.size === 1) found.set(`${w.groupId}|${w.key}`, [...ids][0]!);
    }
    return found;
  }

  /** What members said in their rooms so far: `${botRoomId}|${key}` -> messages and the last time. */
  async totals(
    em: EntityManager,
    pairs: (readonly [number, string])[],
  ): Promise<Map<string, { messages: number; last: Date | null }>> {
    const out = new Map<string, { messages: number; last: Date | null }>();
    for (const { where, params } of pairChunks(pairs, "bot_room_id", "member_key")) {
      const rows: Record<string, unknown>[] = await em.query(
        `SELECT bot_room_id, member_key, SUM(messages) AS messages, MAX(last_message_at) AS last_message_at
           FROM bot_member_days WHERE ${where} GROUP BY bot_room_id, member_key`,
        params,
      );
      for (const r of rows)
        out.set(`${num(r.bot_room_id)}|${String(r.member_key)}`, {
          messages: num(r.messages),
          last: readTime(r.last_message_at),
        });
    }
    return out;
  }

  /** Adds deltas to group_members in one statement (see bot-sql.ts). */
  async applyDeltas(em: EntityManager, deltas: Delta[], now: Date): Promise<void> {
    const merged = new Map<number, Delta>();
    for (const d of deltas) {
      const m = merged.get(d.groupMemberId);
      if (!m) merged.set(d.groupMemberId, { ...d });
      else {
        m.messages += d.messages;
        if (d.lastMessageAt && (!m.lastMessageAt || d.lastMessageAt > m.lastMessageAt))
          m.lastMessageAt = d.lastMessageAt;
      }
    }
    if (!merged.size) return;
    const dialect = dialectOf(em);
    const t = sqlTime(now);
    // SQLite takes a long VALUES list at once; MySQL's UNION ALL is kept shorter
    for (const part of chunks([...merged.values()], dialect === "sqlite" ? 5000 : 1000)) {
      const { sql, fixed } = addToMembers(dialect, part.length, t);
      const values = part.flatMap((d) => [
        d.groupMemberId,
        d.messages,
        d.lastMessageAt ? sqlTime(d.lastMessageAt) : null,
      ]);
      await execute(em, sql, addToMembersParams(dialect, values, fixed));
    }
  }

  /** Rewrites the group's 'bot' rows of group_activity_daily from its room's days (all, or `days`). */
  async project(em: EntityManager, groupIds: number[], now: Date, days?: string[]): Promise<void> {
    if (!groupIds.length) return;
    const dayFilter = days ? ` AND day IN (${placeholders(days.length)})` : "";
    const dayParams = days ?? [];
    await execute(
      em,
      `DELETE FROM group_activity_daily WHERE source = 'bot' AND group_id IN (${placeholders(groupIds.length)})${dayFilter}`,
      [...groupIds, ...dayParams],
    );
    await execute(
      em,
      `INSERT INTO group_activity_daily (group_id, day, source, messages, active_members, joins, leaves, member_total, updated_at)
       SELECT r.group_id, d.day, 'bot', d.messages, d.active_members, d.joins, d.leaves, NULL, ?
         FROM bot_room_days d JOIN bot_rooms r ON r.id = d.bot_room_id
        WHERE r.group_id IN (${placeholders(groupIds.length)})${dayFilter.replace("day", "d.day")}`,
      [sqlTime(now), ...groupIds, ...dayParams],
    );
  }

  /**
   * Points a room at a group (or none) and moves its figures: the old group's 'bot' days and the
   * message counts added to its members are taken back, the new group's are written from the
   * room's own tables. last_message_at of the old group's members stays (it cannot be told apart).
   */
  async mapRoom(
    em: EntityManager,
    room: RoomRow,
    groupId: number | null,
    by: MappedBy | null,
    now: Date,
  ): Promise<void> {
    if (groupId !== null && groupId !== room.groupId) {
      const g: Record<string, unknown>[] = await em.query("SELECT id FROM customer_groups WHERE id = ?", [groupId]);
      if (!g.length) throw new NotFoundError("No such customer group");
      const taken: Record<string, unknown>[] = await em.query(
        `SELECT id, room_id FROM bot_rooms WHERE group_id = ? AND id <> ?${forUpdate(dialectOf(em))}`,
        [groupId, room.id],
      );
      if (taken.length)
        throw new ConflictError(`The group is already mapped to room ${String(taken[0]!.room_id)}`, {
          roomId: num(taken[0]!.id),
        });
    }
    const members: Record<string, unknown>[] = await em.query(
      `SELECT m.id, m.member_key, m.name, m.group_member_id, t.messages, t.last_message_at
         FROM bot_room_members m
         LEFT JOIN (SELECT member_key, SUM(messages) AS messages, MAX(last_message_at) AS last_message_at
                      FROM bot_member_days WHERE bot_room_id = ? GROUP BY member_key) t ON t.member_key = m.member_key
        WHERE m.bot_room_id = ?`,
      [room.id, room.id],
    );
    if (room.groupId !== null && room.groupId !== groupId) {
      await this.applyDeltas(
        em,
        members
          .filter((m) => m.group_member_id != null)
          .map((m) => ({ groupMemberId: num(m.group_member_id), messages: -num(m.messages), lastMessageAt: null })),
        now,
      );
      await execute(em, "UPDATE bot_room_members SET group_member_id = NULL WHERE bot_room_id = ?", [room.id]);
      await execute(em, "DELETE FROM group_activity_daily WHERE source = 'bot' AND group_id = ?", [room.groupId]);
    }
    await execute(
      em,
      "UPDATE bot_rooms SET group_id = ?, mapped_by = ?, mapping_version = mapping_version + 1, updated_at = ? WHERE id = ?",
      [groupId, by, sqlTime(now), room.id],
    );
    room.version++;
    const moved = room.groupId !== groupId;
    room.groupId = groupId;
    room.mappedBy = by;
    if (groupId === null || !moved) return;
    await this.project(em, [groupId], now);
    const links = await this.resolveMembers(
      em,
      members.map((m) => ({ groupId, key: String(m.member_key), name: m.name == null ? null : String(m.name) })),
    );
    const deltas: Delta[] = [];
    for (const m of members) {
      const gm = links.get(`${groupId}|${String(m.member_key)}`);
      if (gm === undefined) continue;
      await execute(em, "UPDATE bot_room_members SET group_member_id = ? WHERE id = ?", [gm, num(m.id)]);
      deltas.push({ groupMemberId: gm, messages: num(m.messages), lastMessageAt: readTime(m.last_message_at) });
    }
    await this.applyDeltas(em, deltas, now);
  }

  /**
   * Tries the automatic rules on rooms without a group (and not set by an admin). Rooms first seen
   * in this batch (`fresh`) have no figures yet: only their group is set.
   */
  async autoMap(em: EntityManager, rooms: RoomRow[], now: Date, fresh: Set<string> = new Set()): Promise<void> {
    const open = rooms.filter((r) => r.groupId === null && r.mappedBy === null);
    if (!open.length) return;
    const ids = open.map((r) => r.roomId);
    const topics = [...new Set(open.map((r) => r.topic).filter((t) => t !== ""))];
    const groups: Record<string, unknown>[] = await em.query(
      `SELECT g.id, g.chat_id, g.name, g.owner_userid FROM customer_groups g
        WHERE g.status = 'active' AND (g.chat_id IN (${placeholders(ids.length)})${topics.length ? ` OR g.name IN (${placeholders(topics.length)})` : ""})
          AND NOT EXISTS (SELECT 1 FROM bot_rooms r WHERE r.group_id = g.id)`,
      [...ids, ...topics],
    );
    const used = new Set<number>();
    for (const room of open) {
      const byChat = groups.find((g) => String(g.chat_id) === room.roomId);
      const byTopic = groups.filter(
        (g) => room.topic !== "" && room.ownerId !== null && g.name === room.topic && g.owner_userid === room.ownerId,
      );
      const [pick, by]: [Record<string, unknown> | undefined, MappedBy] = byChat
        ? [byChat, "chat_id"]
        : [byTopic.length === 1 ? byTopic[0] : undefined, "topic_owner"];
      if (!pick || used.has(num(pick.id))) continue;
      used.add(num(pick.id));
      if (!fresh.has(room.roomId)) await this.mapRoom(em, room, num(pick.id), by, now);
      else {
        await execute(
          em,
          "UPDATE bot_rooms SET group_id = ?, mapped_by = ?, mapping_version = mapping_version + 1, updated_at = ? WHERE id = ?",
          [num(pick.id), by, sqlTime(now), room.id],
        );
        room.groupId = num(pick.id);
        room.mappedBy = by;
        room.version++;
      }
    }
  }

  /** Rooms by puppet id, created (unmapped) when first seen; rows are locked for the transaction. */
  async roomsFor(em: EntityManager, refs: Map<string, { topic?: string; ownerId?: string | null }>, now: Date) {
    const ids = [...refs.keys()];
    const read = async () => {
      const out = new Map<string, RoomRow>();
      for (const part of chunks(ids)) {
        const rows: Record<string, unknown>[] = await em.query(
          `SELECT ${ROOM_COLUMNS} FROM bot_rooms WHERE room_id IN (${placeholders(part.length)})${forUpdate(dialectOf(em))}`,
          part,
        );
        for (const r of rows) out.set(String(r.room_id), toRoomRow(r));
      }
      return out;
    };
    let rooms = await read();
    const missing = ids.filter((id) => !rooms.has(id));
    if (missing.length) {
      const t = sqlTime(now);
      await insertIgnoreRows(
        em,
        "bot_rooms",
        [
          "room_id",
          "topic",
          "owner_id",
          "group_id",
          "mapped_by",
          "mapping_version",
          "first_seen_at",
          "last_event_at",
          "created_at",
          "updated_at",
        ],
        missing.map((id) => [
          id,
          (refs.get(id)?.topic ?? "").slice(0, 255),
          refs.get(id)?.ownerId ?? null,
          null,
          null,
          0,
          t,
          t,
          t,
          t,
        ]),
      );
      rooms = await read();
    }
    return { rooms, created: new Set(missing) };
  }
}
