import { TableColumn, type MigrationInterface, type QueryRunner } from "typeorm";
import { col } from "./helpers.ts";

/**
 * `campaign_mass_sends.content_hash`: what add_msg_template was asked to send, recorded before the
 * call, so a mass send whose answer was lost is recognised in WeCom's list even if its material
 * was edited since.
 */
export class MassSendContentHash1732980000000 implements MigrationInterface {
  name = "MassSendContentHash1732980000000";

  async up(q: QueryRunner): Promise<void> {
    if (!(await q.hasColumn("campaign_mass_sends", "content_hash")))
      await q.addColumn("campaign_mass_sends", new TableColumn(col.str("content_hash", 64, { nullable: true })));
  }

  async down(q: QueryRunner): Promise<void> {
    if (await q.hasColumn("campaign_mass_sends", "content_hash"))
      await q.dropColumn("campaign_mass_sends", "content_hash");
  }
}
