import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/** Progress of WeCom syncs (resumable after a crash) and the app messages sent to staff. */
export class WecomSyncAndMessages1732492800000 implements MigrationInterface {
  name = "WecomSyncAndMessages1732492800000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "sync_runs",
      [
        col.id(),
        col.str("kind", 20),
        // running | done | failed
        col.str("status", 20),
        // staff | customers | tags | groups | finish
        col.str("phase", 20),
        // where to resume: phase-specific position (user index, WeCom cursor, chat index)
        col.json("checkpoint"),
        col.json("counts"),
        col.str("triggered_by", 20),
        col.text("error"),
        col.time("started_at"),
        col.time("heartbeat_at"),
        col.time("finished_at", { nullable: true }),
      ],
      [index("IDX_sync_runs_kind_status", ["kind", "status", "id"])],
    );

    await createTable(
      q,
      "app_messages",
      [
        col.id(),
        // task_assigned | reminder | digest | alert
        col.str("kind", 20),
        col.str("dedupe_key", 191, { nullable: true }),
        col.json("touser", { nullable: false }),
        col.json("payload", { nullable: false }),
        // sent | partial | failed
        col.str("status", 20),
        col.json("invalid_users"),
        col.json("unlicensed_users"),
        col.str("wecom_msgid", 128, { nullable: true }),
        col.text("error"),
        col.createdAt(),
      ],
      [index("UQ_app_messages_dedupe", ["dedupe_key"], true), index("IDX_app_messages_created", ["created_at"])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, ["sync_runs", "app_messages"]);
  }
}
