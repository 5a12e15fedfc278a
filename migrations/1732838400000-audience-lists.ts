import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * Uploaded-list audiences, and the owner in the frozen audience:
 * - `audience_lists`: one uploaded CSV of external_userid / mobile / unionid, with its figures.
 * - `audience_list_members`: the customers the list matched, once each (primary key).
 * - `audience_list_unmatched`: the rows that matched no customer (line, value, reason).
 * - `campaigns.audience_list_id`: a campaign's audience can be such a list.
 * - `campaign_audience.staff_id`: the owner the assignment rule picked at launch, written by the
 *   freeze itself, so that tasks and targets are created from the frozen audience in one pass.
 */
export class AudienceLists1732838400000 implements MigrationInterface {
  name = "AudienceLists1732838400000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "audience_lists",
      [
        col.id(),
        col.str("name", 100),
        col.str("filename", 255, { nullable: true }),
        // the key columns the file had, e.g. "mobile" or "external_userid,mobile"
        col.str("key_columns", 100),
        col.int("total_rows", { default: 0 }),
        col.int("matched", { default: 0 }),
        col.int("duplicates", { default: 0 }),
        col.int("unmatched", { default: 0 }),
        col.int("created_by", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("IDX_audience_lists_created", ["created_at"])],
    );

    await createTable(q, "audience_list_members", [
      col.int("list_id", { primary: true }),
      col.int("customer_id", { primary: true }),
      // the first line of the file that named the customer
      col.int("line"),
    ]);

    await createTable(q, "audience_list_unmatched", [
      col.int("list_id", { primary: true }),
      col.int("line", { primary: true }),
      col.str("value", 255),
      col.str("reason", 255),
    ]);

    if (!(await q.hasColumn("campaigns", "audience_list_id")))
      await q.addColumn("campaigns", new TableColumn(col.int("audience_list_id", { nullable: true })));
    if (!(await q.hasColumn("campaign_audience", "staff_id")))
      await q.addColumn("campaign_audience", new TableColumn(col.int("staff_id", { nullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    if (await q.hasColumn("campaign_audience", "staff_id")) await q.dropColumn("campaign_audience", "staff_id");
    if (await q.hasColumn("campaigns", "audience_list_id")) await q.dropColumn("campaigns", "audience_list_id");
    await dropTables(q, ["audience_lists", "audience_list_members", "audience_list_unmatched"]);
  }
}
