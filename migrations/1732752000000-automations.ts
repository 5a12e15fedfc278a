import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * Automations (伺机而动): recurring and triggered campaigns.
 * - `automations`: what to watch (kind + config), the campaign to launch (template), the
 *   evaluation state (next scheduled run, RFM history cursor, when it was switched on) and a lease
 *   so that one evaluator at a time acts on an automation, on any number of instances.
 * - `automation_runs`: the run log: when, how many customers, which campaign, errors.
 * - `automation_members`: every customer an automation has acted on, once (primary key), with the
 *   run and campaign that took them: what "new since the last run" is measured against, and the
 *   source of the campaign's frozen audience.
 */
export class Automations1732752000000 implements MigrationInterface {
  name = "Automations1732752000000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "automations",
      [
        col.id(),
        col.str("name", 100),
        // segment_schedule | rfm_downgrade | after_added
        col.str("kind", 20),
        col.bool("enabled", true),
        col.json("template", { nullable: false }),
        col.json("config", { nullable: false }),
        // switched on at: after_added acts on relations that came due after this instant
        col.time("active_since"),
        // segment_schedule: the next cron slot
        col.time("next_run_at", { nullable: true }),
        // rfm_downgrade: the last tag_history row looked at
        col.int("last_history_id", { default: 0 }),
        col.time("checked_at", { nullable: true }),
        col.str("lease_owner", 100, { nullable: true }),
        col.time("lease_until", { nullable: true }),
        col.int("created_by", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_automations_name", ["name"], true), index("IDX_automations_enabled", ["enabled", "id"])],
    );

    await createTable(
      q,
      "automation_runs",
      [
        col.id(),
        col.int("automation_id"),
        // running | done | failed
        col.str("status", 20),
        col.int("customers", { default: 0 }),
        col.int("campaign_id", { nullable: true }),
        // the launch report's figures (audience, targets, tasks, exclusions)
        col.json("summary"),
        col.text("error"),
        // how many more times the same error happened until finished_at
        col.int("repeats", { default: 0 }),
        // rfm_downgrade: the history cursor before this run (restored if the run is undone)
        col.int("history_from", { nullable: true }),
        col.time("started_at"),
        col.time("finished_at", { nullable: true }),
      ],
      [
        index("IDX_automation_runs_automation", ["automation_id", "id"]),
        index("IDX_automation_runs_status", ["status"]),
      ],
    );

    await createTable(
      q,
      "automation_members",
      [
        col.int("automation_id", { primary: true }),
        col.int("customer_id", { primary: true }),
        col.int("run_id"),
        col.int("campaign_id", { nullable: true }),
        // what brought the customer in, e.g. `important_value>important_retain`
        col.str("event", 64, { nullable: true }),
        col.time("first_seen_at"),
      ],
      [index("IDX_automation_members_run", ["run_id"])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, ["automations", "automation_runs", "automation_members"]);
  }
}
