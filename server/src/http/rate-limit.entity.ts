import { Entity, Index } from "typeorm";
import { IntColumn, StrColumn, TimeColumn } from "../db/columns.ts";

/** Hits per bucket and fixed window, shared by every instance through the database. */
@Entity({ name: "rate_limit_hits" })
@Index("IDX_rate_limit_hits_window", ["windowStart"])
export class RateLimitHit {
  @StrColumn(191, { primary: true }) bucket: string;
  /** the start of the window (UTC) */
  @TimeColumn({ primary: true }) windowStart: Date;
  @IntColumn({ default: 0 }) hits: number;
}
