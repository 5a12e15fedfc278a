import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * The RFM engine's work table (one computation's figures, built and scored in SQL, then swapped
 * into customer_rfm) and the import jobs behind CSV uploads and the orders API, with one row per
 * rejected line for the downloadable error report.
 */
export class RfmAndImports1732579200000 implements MigrationInterface {
  name = "RfmAndImports1732579200000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(q, "rfm_scratch", [
      col.int("computation_id", { primary: true }),
      col.int("customer_id", { primary: true }),
      col.int("recency_days", { nullable: true }),
      col.int("frequency", { nullable: true }),
      col.bigint("monetary_cents", { nullable: true }),
      col.time("first_paid_at", { nullable: true }),
      col.time("last_paid_at", { nullable: true }),
      col.int("r_score", { nullable: true }),
      col.int("f_score", { nullable: true }),
      col.int("m_score", { nullable: true }),
      col.str("segment", 32, { nullable: true }),
      col.str("lifecycle", 16, { nullable: true }),
    ]);

    await createTable(
      q,
      "import_jobs",
      [
        col.id(),
        // customers | orders
        col.str("kind", 20),
        // csv | api | cli
        col.str("source", 20),
        col.str("filename", 255, { nullable: true }),
        // running | done | failed
        col.str("status", 20),
        col.int("total_rows", { default: 0 }),
        col.int("processed_rows", { default: 0 }),
        col.int("inserted", { default: 0 }),
        col.int("updated", { default: 0 }),
        col.int("unchanged", { default: 0 }),
        col.int("rejected", { default: 0 }),
        col.str("actor", 64, { nullable: true }),
        col.text("error"),
        col.time("started_at"),
        col.time("finished_at", { nullable: true }),
      ],
      [index("IDX_import_jobs_started", ["started_at"])],
    );

    await createTable(
      q,
      "import_errors",
      [
        col.id(),
        col.int("job_id"),
        col.int("line"),
        col.str("column_name", 64, { nullable: true }),
        col.str("reason", 255),
        col.text("raw"),
      ],
      [index("IDX_import_errors_job", ["job_id", "line"])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, ["rfm_scratch", "import_jobs", "import_errors"]);
  }
}
