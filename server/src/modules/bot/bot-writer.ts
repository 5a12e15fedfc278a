import { randomInt } from "node:crypto";
import type { DataSource, EntityManager } from "typeorm";
import {
  dialectOf,
  execute,
  insertIgnore,
  insertIgnoreRows,
  placeholders,
  sqlTime,
  transactionWithRetry,
  insertRows,
  upsertRows,
} from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import { businessDay, eventKey, type BotEvent } from "./bot-events.ts";
import { BotMapping, chunks, type Delta, type RoomRow } from "./bot-mapping.ts";

export const BOT_STATUS_NAME = "default";
/** An unmapped room is tried against the groups again at most this often (WeCom sync may add it). */
const AUTOMAP_RETRY_MS = 60_000;
/** Remembered event ids older than this are forgotten (a redelivery comes within minutes). */
export const SEEN_RETENTION_MS = 14 * 86_400_000;

interface CachedMember {
  gm: number | null;
  /** when a failed link lookup last ran */
  triedAt: number | null;
}

export interface WriteResult {
  counted: number;
  duplicates: number;
}

/**
 * Writes one batch of bot events in one transaction. An event whose id is already remembered is
 * skipped, so a redelivery, a retried batch or a restart never counts twice; the figures live
 * per room (bot_room_days, bot_member_days, bot_room_members) and are projected onto the mapped
 * group (group_activity_daily source 'bot', group_members message_count / last_message_at).
 */
export class BotWriter {
  private readonly mapping = new BotMapping();
  private readonly automapTried = new Map<string, number>();
  private readonly members = new Map<number, { version: number; byKey: Map<string, CachedMember> }>();
  private lastPrune = 0;
  private uncommitted = false;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async write(events: BotEvent[]): Promise<WriteResult> {
    if (!events.length) return { counted: 0, duplicates: 0 };
    const result = await transactionWithRetry(this.ds, (em) => {
      // an attempt that did not commit may have left the cache describing rolled-back writes
      if (this.uncommitted) this.members.clear();
      this.uncommitted = true;
      return this.writeIn(em, events);
    });
    this.uncommitted = false;
    await this.prune();
    return result;
  }

  private async writeIn(em: EntityManager, events: BotEvent[]): Promise<WriteResult> {
    const now = this.clock.now();
    const t = sqlTime(now);
    const refs = new Map<string, { topic?: string; ownerId?: string | null }>();
    for (const e of events) {
      const r = refs.get(e.room.id) ?? {};
      if (e.room.topic !== undefined) r.topic = e.room.topic;
      if (e.room.ownerId !== undefined) r.ownerId = e.room.ownerId;
      refs.set(e.room.id, r);
    }
    const { rooms, created } = await this.mapping.roomsFor(em, refs, now);
    await this.refreshRooms(em, rooms, refs, created, now);

    // the events not counted before (in this batch or earlier)
    const fresh: { e: Exclude<BotEvent, { kind: "topic" }>; key: string; room: RoomRow }[] = [];
    const inBatch = new Set<string>();
    let duplicatesInBatch = 0;
    for (const e of events) {
      if (e.kind === "topic") continue;
      const key = eventKey(e)!;
      if (inBatch.has(key)) duplicatesInBatch++;
      else {
        inBatch.add(key);
        fresh.push({ e, key, room: rooms.get(e.room.id)! });
      }
    }
    // remember the ids; those another batch remembered before are the duplicates
    const batchId = randomInt(1, 2 ** 31 - 1);
    const inserted = await insertRows(
      em,
      insertIgnore(dialectOf(em)),
      "bot_seen_events",
      ["event_key", "bot_room_id", "batch_id", "seen_at"],
      fresh.map((f) => [f.key, f.room.id, batchId, t]),
    );
    const seen = new Set<string>();
    if (inserted < fresh.length)
      for (const part of chunks([...inBatch]))
        for (const r of (await em.query(
          `SELECT event_key FROM bot_seen_events WHERE event_key IN (${placeholders(part.length)}) AND batch_id <> ?`,
          [...part, batchId],
        )) as { event_key: string }[])
          seen.add(r.event_key);
    const todo = fresh.filter((f) => !seen.has(f.key));
    if (!todo.length) return { counted: 0, duplicates: duplicatesInBatch + seen.size };

    // per room, per day (and per member of the day), and per member: nested maps, no string keys
    type Day = { day: string; messages: number; joins: number; leaves: number; talkers: Map<string, [number, number]> };
    type Member = { room: RoomRow; key: string; name: string | null; n: number; last: Date };
    const perRoom = new Map<RoomRow, { days: Map<string, Day>; members: Map<string, Member> }>();
    for (const { e, room } of todo) {
      let r = perRoom.get(room);
      if (!r) perRoom.set(room, (r = { days: new Map(), members: new Map() }));
      const day = businessDay(e.at);
      let d = r.days.get(day);
      if (!d) r.days.set(day, (d = { day, messages: 0, joins: 0, leaves: 0, talkers: new Map() }));
      if (e.kind === "join") d.joins += e.memberIds.length;
      else if (e.kind === "leave") d.leaves += e.memberIds.length;
      else if (e.kind === "message") {
        d.messages++;
        const at = e.at.getTime();
        const md = d.talkers.get(e.talkerId);
        if (!md) d.talkers.set(e.talkerId, [1, at]);
        else {
          md[0]++;
          if (at > md[1]) md[1] = at;
        }
        const m = r.members.get(e.talkerId);
        if (!m) r.members.set(e.talkerId, { room, key: e.talkerId, name: e.talkerName, n: 1, last: e.at });
        else {
          m.n++;
          if (at > m.last.getTime()) m.last = e.at;
          if (e.talkerName) m.name = e.talkerName;
        }
      }
    }
    const roomDays: { room: number; day: string; messages: number; joins: number; leaves: number }[] = [];
    const memberDays: unknown[][] = [];
    const members: Member[] = [];
    for (const [room, r] of perRoom) {
      for (const d of r.days.values()) {
        roomDays.push({ room: room.id, day: d.day, messages: d.messages, joins: d.joins, leaves: d.leaves });
        for (const [key, [n, last]] of d.talkers) memberDays.push([room.id, d.day, key, n, sqlTime(new Date(last))]);
      }
      members.push(...r.members.values());
    }

    await upsertRows(
      em,
      "bot_room_days",
      ["bot_room_id", "day", "messages", "active_members", "joins", "leaves", "updated_at"],
      ["bot_room_id", "day"],
      { messages: "add", joins: "add", leaves: "add", updated_at: "set" },
      roomDays.map((d) => [d.room, d.day, d.messages, 0, d.joins, d.leaves, t]),
    );
    await upsertRows(
      em,
      "bot_member_days",
      ["bot_room_id", "day", "member_key", "messages", "last_message_at"],
      ["bot_room_id", "day", "member_key"],
      { messages: "add", last_message_at: "max" },
      memberDays,
    );
    const touchedRooms = [...new Set(roomDays.map((d) => d.room))];
    const touchedDays = [...new Set(roomDays.map((d) => d.day))];
    if (memberDays.length)
      for (const part of chunks(touchedRooms, 2000))
        await execute(
          em,
          `UPDATE bot_room_days SET active_members = (SELECT COUNT(*) FROM bot_member_days m
                   WHERE m.bot_room_id = bot_room_days.bot_room_id AND m.day = bot_room_days.day)
            WHERE bot_room_id IN (${placeholders(part.length)}) AND day IN (${placeholders(touchedDays.length)})`,
          [...part, ...touchedDays],
        );
    const mappedGroups = [...new Set(todo.map((f) => f.room.groupId).filter((g): g is number => g !== null))];
    await this.mapping.project(em, mappedGroups, now, touchedDays);
    await this.writeMembers(em, members, now);
    await execute(
      em,
      "UPDATE bot_status SET last_flush_at = ?, events_written = events_written + ?, updated_at = ? WHERE name = ?",
      [t, todo.length, t, BOT_STATUS_NAME],
    );
    return { counted: todo.length, duplicates: duplicatesInBatch + seen.size };
  }

  /** New topics and owners; the automatic mapping for rooms still without a group. */
  private async refreshRooms(
    em: EntityManager,
    rooms: Map<string, RoomRow>,
    refs: Map<string, { topic?: string; ownerId?: string | null }>,
    created: Set<string>,
    now: Date,
  ): Promise<void> {
    const t = sqlTime(now);
    const retry: RoomRow[] = [];
    for (const room of rooms.values()) {
      const ref = refs.get(room.roomId)!;
      const topic = ref.topic?.slice(0, 255);
      const changed =
        (topic !== undefined && topic !== room.topic) || (ref.ownerId !== undefined && ref.ownerId !== room.ownerId);
      if (changed && !created.has(room.roomId)) {
        room.topic = topic ?? room.topic;
        room.ownerId = ref.ownerId !== undefined ? ref.ownerId : room.ownerId;
        await execute(em, "UPDATE bot_rooms SET topic = ?, owner_id = ?, updated_at = ? WHERE id = ?", [
          room.topic,
          room.ownerId,
          t,
          room.id,
        ]);
      }
      if (room.groupId !== null || room.mappedBy !== null) continue;
      const last = this.automapTried.get(room.roomId);
      if (changed || last === undefined || now.getTime() - last >= AUTOMAP_RETRY_MS) {
        this.automapTried.set(room.roomId, now.getTime());
        retry.push(room);
      }
    }
    await this.mapping.autoMap(em, retry, now, created);
    for (const part of chunks([...rooms.values()].map((r) => r.id)))
      await execute(em, `UPDATE bot_rooms SET last_event_at = ? WHERE id IN (${placeholders(part.length)})`, [
        t,
        ...part,
      ]);
  }

  /**
   * The members' links to group members (resolved while missing, at most once a minute per
   * member) and the additions to group_members: the batch for members linked before, all they
   * said so far for new links. Which members each room has, and their links, are cached per
   * mapping version (the room rows are locked, and a mapping change bumps the version).
   */
  private async writeMembers(
    em: EntityManager,
    batch: { room: RoomRow; key: string; name: string | null; n: number; last: Date }[],
    now: Date,
  ): Promise<void> {
    if (!batch.length) return;
    const rooms = new Map(batch.map((m) => [m.room.id, m.room]));
    const stale = [...rooms.values()].filter((r) => this.members.get(r.id)?.version !== r.version);
    for (const r of stale) this.members.set(r.id, { version: r.version, byKey: new Map() });
    for (const part of chunks(
      stale.map((r) => r.id),
      1000,
    )) {
      const rows: Record<string, unknown>[] = await em.query(
        `SELECT bot_room_id, member_key, group_member_id FROM bot_room_members WHERE bot_room_id IN (${placeholders(part.length)})`,
        part,
      );
      for (const r of rows)
        this.members.get(Number(r.bot_room_id))!.byKey.set(String(r.member_key), {
          gm: r.group_member_id == null ? null : Number(r.group_member_id),
          triedAt: null,
        });
    }
    const nowMs = now.getTime();
    const cached = (m: { room: RoomRow; key: string }) => this.members.get(m.room.id)!.byKey.get(m.key);
    const unlinked = batch.filter((m) => {
      if (m.room.groupId === null) return false;
      const c = cached(m);
      return !c || (c.gm === null && (c.triedAt === null || nowMs - c.triedAt >= AUTOMAP_RETRY_MS));
    });
    const links = await this.mapping.resolveMembers(
      em,
      unlinked.map((m) => ({ groupId: m.room.groupId!, key: m.key, name: m.name })),
    );
    const tried = new Set(unlinked);
    // members seen before that get their link now bring everything they said so far
    const relinked = batch.filter((m) => cached(m) && !cached(m)!.gm && links.has(`${m.room.groupId}|${m.key}`));
    const totals = await this.mapping.totals(
      em,
      relinked.map((m) => [m.room.id, m.key] as const),
    );
    const t = sqlTime(now);
    const deltas: Delta[] = [];
    const inserts: unknown[][] = [];
    const newLinks: [number, number, string][] = [];
    for (const m of batch) {
      const prev = cached(m);
      const gm = prev?.gm ?? (m.room.groupId !== null ? (links.get(`${m.room.groupId}|${m.key}`) ?? null) : null);
      if (gm !== null) {
        const total = !prev?.gm ? totals.get(`${m.room.id}|${m.key}`) : undefined;
        deltas.push(
          total
            ? { groupMemberId: gm, messages: total.messages, lastMessageAt: total.last }
            : { groupMemberId: gm, messages: m.n, lastMessageAt: m.last },
        );
      }
      if (!prev) inserts.push([m.room.id, m.key, m.name?.slice(0, 100) ?? null, gm, t]);
      else if (gm !== null && prev.gm === null) newLinks.push([gm, m.room.id, m.key]);
    }
    await insertIgnoreRows(
      em,
      "bot_room_members",
      ["bot_room_id", "member_key", "name", "group_member_id", "updated_at"],
      inserts,
    );
    for (const [gm, room, key] of newLinks)
      await execute(
        em,
        "UPDATE bot_room_members SET group_member_id = ?, updated_at = ? WHERE bot_room_id = ? AND member_key = ?",
        [gm, t, room, key],
      );
    await this.mapping.applyDeltas(em, deltas, now);
    // only once the statements went through (a failed transaction drops the whole cache)
    for (const m of batch) {
      const prev = cached(m);
      const gm = prev?.gm ?? (m.room.groupId !== null ? (links.get(`${m.room.groupId}|${m.key}`) ?? null) : null);
      this.members.get(m.room.id)!.byKey.set(m.key, { gm, triedAt: tried.has(m) ? nowMs : (prev?.triedAt ?? null) });
    }
  }

  /** Forgets old event ids, at most once an hour. */
  private async prune(): Promise<void> {
    const now = this.clock.now().getTime();
    if (now - this.lastPrune < 3_600_000) return;
    this.lastPrune = now;
    await execute(this.ds, "DELETE FROM bot_seen_events WHERE seen_at < ?", [
      sqlTime(new Date(now - SEEN_RETENTION_MS)),
    ]);
  }
}
