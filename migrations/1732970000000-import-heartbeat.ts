import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./helpers.ts";

/** `import_jobs.heartbeat_at`: moved on with every batch, so that an import whose process died is found. */
export class ImportHeartbeat1732970000000 implements MigrationInterface {
  name = "ImportHeartbeat1732970000000";

  async up(q: QueryRunner): Promise<void> {
    if (!(await q.hasColumn("import_jobs", "heartbeat_at")))
      await q.addColumn("import_jobs", new TableColumn(col.time("heartbeat_at", { nullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    if (await q.hasColumn("import_jobs", "heartbeat_at")) await q.dropColumn("import_jobs", "heartbeat_at");
  }
}
