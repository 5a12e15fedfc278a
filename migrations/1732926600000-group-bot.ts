import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * The group bot (Wechaty) and its figures, kept per room so that nothing is lost while a room is
 * not yet mapped to a customer group:
 * - `bot_rooms`: rooms seen, with the group each stands for (one room per group) and how it was mapped.
 * - `bot_seen_events`: event ids already counted (redeliveries and restarts count once).
 * - `bot_room_days` / `bot_member_days`: per room and business day; who spoke (distinct members).
 * - `bot_room_members`: the members seen speaking and the group_members row each stands for.
 * - `bot_status`: what the admin shows about the running bot.
 */
export class GroupBot1732926600000 implements MigrationInterface {
  name = "GroupBot1732926600000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "bot_rooms",
      [
        col.id(),
        col.str("room_id", 128),
        col.str("topic", 255, { default: "" }),
        col.str("owner_id", 128, { nullable: true }),
        col.int("group_id", { nullable: true }),
        // chat_id | topic_owner | admin
        col.str("mapped_by", 20, { nullable: true }),
        // bumped on every mapping change (the writer's per-room member cache follows it)
        col.int("mapping_version", { default: 0 }),
        col.time("first_seen_at"),
        col.time("last_event_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_bot_rooms_room", ["room_id"], true), index("UQ_bot_rooms_group", ["group_id"], true)],
    );
    await createTable(q, "bot_seen_events", [
      col.str("event_key", 191, { primary: true }),
      col.int("bot_room_id"),
      // a random number per write batch: after INSERT IGNORE, rows of another batch are the duplicates
      col.int("batch_id"),
      // no index: the hourly prune scans (one index less to keep up on every message)
      col.time("seen_at"),
    ]);
    await createTable(q, "bot_room_days", [
      col.int("bot_room_id", { primary: true }),
      col.str("day", 10, { primary: true }),
      col.int("messages", { default: 0 }),
      col.int("active_members", { default: 0 }),
      col.int("joins", { default: 0 }),
      col.int("leaves", { default: 0 }),
      col.updatedAt(),
    ]);
    await createTable(q, "bot_member_days", [
      col.int("bot_room_id", { primary: true }),
      col.str("day", 10, { primary: true }),
      col.str("member_key", 128, { primary: true }),
      col.int("messages", { default: 0 }),
      col.time("last_message_at", { nullable: true }),
    ]);
    await createTable(
      q,
      "bot_room_members",
      [
        col.id(),
        col.int("bot_room_id"),
        col.str("member_key", 128),
        col.str("name", 100, { nullable: true }),
        col.int("group_member_id", { nullable: true }),
        col.updatedAt(),
      ],
      [
        index("UQ_bot_room_members_key", ["bot_room_id", "member_key"], true),
        index("IDX_bot_room_members_gm", ["group_member_id"]),
      ],
    );
    await createTable(q, "bot_status", [
      col.str("name", 50, { primary: true }),
      col.str("state", 20, { default: "stopped" }),
      col.str("puppet", 100, { nullable: true }),
      col.str("self_name", 100, { nullable: true }),
      col.text("last_error"),
      col.time("last_error_at", { nullable: true }),
      col.int("reconnects", { default: 0 }),
      col.time("started_at", { nullable: true }),
      col.time("logged_in_at", { nullable: true }),
      col.time("last_flush_at", { nullable: true }),
      col.int("events_written", { default: 0 }),
      col.updatedAt(),
    ]);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, [
      "bot_rooms",
      "bot_seen_events",
      "bot_room_days",
      "bot_member_days",
      "bot_room_members",
      "bot_status",
    ]);
  }
}
