import type { DataSource } from "typeorm";
import { dialectOf, forUpdate, num, placeholders, readTime } from "../../db/dialect.ts";
import { NotFoundError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { AuditService } from "../audit/audit.service.ts";
import { userActor } from "../audit/audit.service.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import { BotMapping, ROOM_COLUMNS, toRoomRow } from "./bot-mapping.ts";
import type { PipelineStats } from "./bot-pipeline.ts";
import type { BotStatusStore } from "./bot-status.ts";
import type { BotRoomView, BotStatusView, RoomListQuery } from "./bot.schemas.ts";

const iso = (v: unknown) => readTime(v)?.toISOString() ?? null;

/** The admin's view of the group bot: its status, the rooms it is in, and mapping corrections. */
export class BotService {
  private readonly mapping = new BotMapping();

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly status: BotStatusStore,
    private readonly audit: AuditService,
    private readonly local: { configured: boolean; pipeline: () => PipelineStats | null },
  ) {}

  async getStatus(user: UserView): Promise<BotStatusView> {
    const s = await this.status.read();
    const unmapped =
      user.role === "store_manager"
        ? null
        : num((await this.ds.query("SELECT COUNT(*) AS n FROM bot_rooms WHERE group_id IS NULL"))[0]?.n);
    const p = this.local.pipeline();
    return {
      configured: this.local.configured,
      state: s?.state ?? "stopped",
      puppet: s?.puppet ?? null,
      selfName: s?.selfName ?? null,
      loggedIn: s?.state === "running" && s.loggedInAt !== null,
      startedAt: iso(s?.startedAt),
      loggedInAt: iso(s?.loggedInAt),
      lastError: s?.lastError ?? null,
      lastErrorAt: iso(s?.lastErrorAt),
      reconnects: s?.reconnects ?? 0,
      lastFlushAt: iso(s?.lastFlushAt),
      eventsWritten: s?.eventsWritten ?? 0,
      unmappedRooms: unmapped,
      pipeline: p
        ? {
            received: p.received,
            counted: p.counted,
            duplicates: p.duplicates,
            buffered: p.buffered,
            failedWrites: p.failedWrites,
          }
        : null,
    };
  }

  async listRooms(
    q: RoomListQuery,
    user: UserView,
  ): Promise<{ items: BotRoomView[]; total: number; page: number; pageSize: number }> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (q.status === "mapped") where.push("r.group_id IS NOT NULL");
    if (q.status === "unmapped") where.push("r.group_id IS NULL");
    if (q.q) {
      where.push("(r.topic LIKE ? ESCAPE '!' OR r.room_id LIKE ? ESCAPE '!')");
      const like = `%${q.q.replace(/[!%_]/g, (c) => `!${c}`)}%`;
      params.push(like, like);
    }
    if (user.role === "store_manager") {
      // a store manager sees the rooms of their stores' groups; unmapped rooms belong to no store
      const stores = user.storeIds.length ? user.storeIds : [0];
      where.push(
        `g.owner_staff_id IN (SELECT staff_id FROM staff_stores WHERE store_id IN (${placeholders(stores.length)}))`,
      );
      params.push(...stores);
    }
    const from = `FROM bot_rooms r LEFT JOIN customer_groups g ON g.id = r.group_id${where.length ? ` WHERE ${where.join(" AND ")}` : ""}`;
    const total = num((await this.ds.query(`SELECT COUNT(*) AS n ${from}`, params))[0]?.n);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT r.id, r.room_id, r.topic, r.owner_id, r.mapped_by, r.first_seen_at, r.last_event_at,
              g.id AS g_id, g.chat_id, g.name AS g_name, g.owner_userid
         ${from} ORDER BY CASE WHEN r.group_id IS NULL THEN 0 ELSE 1 END, r.last_event_at DESC, r.id DESC
        LIMIT ${Number(q.pageSize)} OFFSET ${(q.page - 1) * q.pageSize}`,
      params,
    );
    return { items: await this.views(rows), total, page: q.page, pageSize: q.pageSize };
  }

  /** An admin's mapping (or "no group"); figures move with it. */
  async setMapping(roomId: number, groupId: number | null, user: UserView): Promise<BotRoomView> {
    await this.ds.transaction(async (em) => {
      const rows: Record<string, unknown>[] = await em.query(
        `SELECT ${ROOM_COLUMNS} FROM bot_rooms WHERE id = ?${forUpdate(dialectOf(em))}`,
        [roomId],
      );
      if (!rows.length) throw new NotFoundError("No such bot room");
      const room = toRoomRow(rows[0]!);
      const before = room.groupId;
      await this.mapping.mapRoom(em, room, groupId, "admin", this.clock.now());
      await this.audit.record(
        userActor(user),
        "bot.room.map",
        { entity: "bot_room", id: roomId },
        { from: before, to: groupId },
        em,
      );
    });
    return this.room(roomId);
  }

  private async room(id: number): Promise<BotRoomView> {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT r.id, r.room_id, r.topic, r.owner_id, r.mapped_by, r.first_seen_at, r.last_event_at,
              g.id AS g_id, g.chat_id, g.name AS g_name, g.owner_userid
         FROM bot_rooms r LEFT JOIN customer_groups g ON g.id = r.group_id WHERE r.id = ?`,
      [id],
    );
    if (!rows.length) throw new NotFoundError("No such bot room");
    return (await this.views(rows))[0]!;
  }

  private async views(rows: Record<string, unknown>[]): Promise<BotRoomView[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => num(r.id));
    const days: Record<string, unknown>[] = await this.ds.query(
      `SELECT bot_room_id, SUM(messages) AS messages, SUM(joins) AS joins, SUM(leaves) AS leaves
         FROM bot_room_days WHERE bot_room_id IN (${placeholders(ids.length)}) GROUP BY bot_room_id`,
      ids,
    );
    const members: Record<string, unknown>[] = await this.ds.query(
      `SELECT bot_room_id, COUNT(*) AS n, COUNT(group_member_id) AS linked
         FROM bot_room_members WHERE bot_room_id IN (${placeholders(ids.length)}) GROUP BY bot_room_id`,
      ids,
    );
    const d = new Map(days.map((x) => [num(x.bot_room_id), x]));
    const m = new Map(members.map((x) => [num(x.bot_room_id), x]));
    return rows.map((r) => {
      const id = num(r.id);
      return {
        id,
        roomId: String(r.room_id),
        topic: String(r.topic ?? ""),
        ownerId: r.owner_id == null ? null : String(r.owner_id),
        mappedBy: (r.mapped_by ?? null) as BotRoomView["mappedBy"],
        group:
          r.g_id == null
            ? null
            : {
                id: num(r.g_id),
                chatId: String(r.chat_id),
                name: String(r.g_name ?? ""),
                ownerUserid: String(r.owner_userid),
              },
        firstSeenAt: iso(r.first_seen_at)!,
        lastEventAt: iso(r.last_event_at),
        messages: num(d.get(id)?.messages),
        joins: num(d.get(id)?.joins),
        leaves: num(d.get(id)?.leaves),
        members: num(m.get(id)?.n),
        linkedMembers: num(m.get(id)?.linked),
      };
    });
  }
}
