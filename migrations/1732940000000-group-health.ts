import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * Group statistics, health and alerts:
 * - `group_owner_stats_daily`: WeCom's groupchat/statistic figures per owner and business day
 *   (source 'wecom'), pulled daily; kept apart from the bot's per-group activity.
 * - `group_health`: each group's health score and the figures behind it.
 * - `group_alerts`: alerts to owners and store managers, unique per (group, kind, period).
 */
export class GroupHealth1732940000000 implements MigrationInterface {
  name = "GroupHealth1732940000000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "group_owner_stats_daily",
      [
        col.str("owner_userid", 64, { primary: true }),
        { ...col.day("day"), isPrimary: true },
        col.str("source", 10, { default: "wecom" }),
        col.int("staff_id", { nullable: true }),
        col.int("new_chat_cnt", { default: 0 }),
        col.int("chat_total", { default: 0 }),
        col.int("chat_has_msg", { default: 0 }),
        col.int("new_member_cnt", { default: 0 }),
        col.int("member_total", { default: 0 }),
        col.int("member_has_msg", { default: 0 }),
        col.int("msg_total", { default: 0 }),
        col.int("migrate_trainee_chat_cnt", { nullable: true }),
        col.time("pulled_at"),
      ],
      [index("IDX_group_owner_stats_daily_day", ["day"])],
    );

    await createTable(q, "group_health", [
      col.int("group_id", { primary: true }),
      col.int("score", { default: 0 }),
      col.int("activity_score", { default: 0 }),
      col.int("growth_score", { default: 0 }),
      col.int("churn_score", { default: 0 }),
      col.int("members", { default: 0 }),
      col.int("members7d_ago", { default: 0 }),
      col.int("members30d_ago", { default: 0 }),
      col.int("active_members7d", { default: 0 }),
      col.int("active_members30d", { default: 0 }),
      col.int("messages7d", { default: 0 }),
      col.int("messages30d", { default: 0 }),
      col.int("joins30d", { default: 0 }),
      col.int("leaves7d", { default: 0 }),
      col.int("leaves30d", { default: 0 }),
      col.time("last_message_at", { nullable: true }),
      col.time("computed_at"),
    ]);

    await createTable(
      q,
      "group_alerts",
      [
        col.id(),
        col.int("group_id"),
        col.str("kind", 30),
        col.str("period", 10),
        col.str("status", 20, { default: "open" }),
        col.json("details"),
        col.time("notified_at", { nullable: true }),
        col.time("resolved_at", { nullable: true }),
        col.str("resolved_by", 64, { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_group_alerts_group_kind_period", ["group_id", "kind", "period"], true),
        index("IDX_group_alerts_status", ["status", "created_at"]),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, ["group_owner_stats_daily", "group_health", "group_alerts"]);
  }
}
