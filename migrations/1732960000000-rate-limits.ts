import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/** `rate_limit_hits`: fixed-window counters for sign-in failures and API keys, shared by every instance. */
export class RateLimits1732960000000 implements MigrationInterface {
  name = "RateLimits1732960000000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "rate_limit_hits",
      [
        col.str("bucket", 191, { primary: true }),
        { ...col.time("window_start"), isPrimary: true },
        col.int("hits", { default: 0 }),
      ],
      [index("IDX_rate_limit_hits_window", ["window_start"])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, ["rate_limit_hits"]);
  }
}
