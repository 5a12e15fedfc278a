import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * Group SOPs (issue 8, part 4):
 * - `group_sops`: a material posted to a set of groups on a cron schedule (Asia/Shanghai), with
 *   the due window of the owners' tasks and whether the group bot may post by itself.
 * - `group_sop_runs`: one row per occurrence, unique per (SOP, occurrence time), pointing at the
 *   group_post campaign that holds the occurrence's tasks and targets.
 */
export class GroupSops1732933600000 implements MigrationInterface {
  name = "GroupSops1732933600000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "group_sops",
      [
        col.id(),
        col.str("name", 100),
        col.int("material_id"),
        col.json("targets", { nullable: false }),
        col.str("schedule", 100),
        col.int("due_hours", { default: 4 }),
        col.bool("enabled", true),
        col.bool("bot_auto_post", false),
        col.time("next_run_at", { nullable: true }),
        col.int("created_by", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("IDX_group_sops_due", ["enabled", "next_run_at"])],
    );
    await createTable(
      q,
      "group_sop_runs",
      [
        col.id(),
        col.int("sop_id"),
        col.time("occurs_at"),
        col.str("status", 20),
        col.int("campaign_id", { nullable: true }),
        col.int("group_count", { default: 0 }),
        col.int("task_count", { default: 0 }),
        col.int("skipped_slots", { default: 0 }),
        col.int("bot_posted", { default: 0 }),
        col.int("bot_failed", { default: 0 }),
        col.text("error"),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_group_sop_runs_occurrence", ["sop_id", "occurs_at"], true),
        index("IDX_group_sop_runs_status", ["status"]),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, ["group_sops", "group_sop_runs"]);
  }
}
