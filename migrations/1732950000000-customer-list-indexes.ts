import type { MigrationInterface, QueryRunner } from "typeorm";
import { index } from "./helpers.ts";

/**
 * Indexes the customer list reads at a million customers:
 * - follow relations of a store's staff carry the customer id, so a store or owner filter reads
 *   the index alone (it replaces the (staff_id, status) index, its prefix);
 * - a spend range reads the customers in that range instead of every customer's figures;
 * - a segment with score bounds reads one index range (the list looks memberships up in it).
 */
export class CustomerListIndexes1732950000000 implements MigrationInterface {
  name = "CustomerListIndexes1732950000000";

  async up(q: QueryRunner): Promise<void> {
    await addIndex(q, "follow_relations", "IDX_follow_relations_staff_status_customer", [
      "staff_id",
      "status",
      "customer_id",
    ]);
    await dropIndex(q, "follow_relations", "IDX_follow_relations_staff_status");
    await addIndex(q, "customer_rfm", "IDX_customer_rfm_monetary", ["monetary_cents"]);
    await addIndex(q, "customer_rfm", "IDX_customer_rfm_segment_scores", ["segment", "r_score", "f_score", "m_score"]);
  }

  async down(q: QueryRunner): Promise<void> {
    await dropIndex(q, "customer_rfm", "IDX_customer_rfm_segment_scores");
    await dropIndex(q, "customer_rfm", "IDX_customer_rfm_monetary");
    await addIndex(q, "follow_relations", "IDX_follow_relations_staff_status", ["staff_id", "status"]);
    await dropIndex(q, "follow_relations", "IDX_follow_relations_staff_status_customer");
  }
}

async function addIndex(q: QueryRunner, table: string, name: string, columns: string[]): Promise<void> {
  const t = await q.getTable(table);
  if (!t?.indices.some((i) => i.name === name)) await q.createIndex(table, index(name, columns));
}

async function dropIndex(q: QueryRunner, table: string, name: string): Promise<void> {
  const t = await q.getTable(table);
  if (t?.indices.some((i) => i.name === name)) await q.dropIndex(table, name);
}
