import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * What a campaign launch needs beyond campaigns/tasks/targets:
 * - `campaign_audience`: the audience frozen at launch, one row per member, with the reason a
 *   member was left out (NULL = became a target). It is the snapshot tasks.md asks for and the
 *   record behind the launch report's exclusion counts.
 * - `campaign_mass_sends`: one WeCom mass send (add_msg_template) per task, variant and slice of at
 *   most 10 000 recipients, so a task can hold several msgids and their creation can be resumed.
 */
export class CampaignLaunch1732665600000 implements MigrationInterface {
  name = "CampaignLaunch1732665600000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, "campaign_audience", [
      col.int("campaign_id", { primary: true }),
      col.int("customer_id", { primary: true }),
      // NULL (a target), deleted_all_staff | do_not_disturb | frequency_cap | mass_send_same_day | unassignable
      col.str("reason", 30, { nullable: true }),
      col.createdAt(),
    ]);

    await createTable(
      q,
      "campaign_mass_sends",
      [
        col.id(),
        col.int("campaign_id"),
        col.int("task_id"),
        col.int("staff_id"),
        col.str("variant", 10),
        // which slice of the task's targets of this variant (10 000 recipients each)
        col.int("chunk", { default: 0 }),
        col.int("recipients", { default: 0 }),
        // pending | creating | created | done | failed
        col.str("status", 20, { default: "pending" }),
        col.str("msgid", 128, { nullable: true }),
        col.int("fail_count", { default: 0 }),
        col.text("error"),
        col.time("results_read_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_campaign_mass_sends_task_variant_chunk", ["task_id", "variant", "chunk"], true),
        index("IDX_campaign_mass_sends_status", ["status", "campaign_id"]),
        index("IDX_campaign_mass_sends_msgid", ["msgid"]),
      ],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, ["campaign_audience", "campaign_mass_sends"]);
  }
}
