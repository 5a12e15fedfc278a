import type { DataSource } from "typeorm";
import { num, sqlTime, upsertRows } from "../db/dialect.ts";
import type { Clock } from "../platform/clock.ts";
import { RateLimitedError } from "./errors.ts";

export interface Limit {
  /** requests (or failures) allowed per window */
  max: number;
  windowMs: number;
}

/** The limits Siyu applies; tests may tighten them. */
export interface RateLimits {
  /** failed sign-ins per username and per client address */
  loginFailures: Limit;
  /** requests per API key */
  apiKey: Limit;
}

export const DEFAULT_RATE_LIMITS: RateLimits = {
  loginFailures: { max: 10, windowMs: 15 * 60_000 },
  apiKey: { max: 600, windowMs: 60_000 },
};

/**
 * Fixed-window counters kept in the database, so that several instances behind a load balancer
 * share one count and no extra service is needed. One upsert per counted request.
 */
export class RateLimiter {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** Throws 429 (with the seconds to wait) when `bucket` already used up this window. */
  async check(bucket: string, limit: Limit): Promise<void> {
    const windowStart = this.windowStart(limit);
    const [row] = await this.ds.query("SELECT hits FROM rate_limit_hits WHERE bucket = ? AND window_start = ?", [
      bucket,
      sqlTime(windowStart),
    ]);
    if (row && num(row.hits) >= limit.max) throw this.refusal(windowStart, limit);
  }

  /** Counts one hit; throws 429 when it is over the limit. */
  async hit(bucket: string, limit: Limit): Promise<void> {
    const windowStart = await this.record(bucket, limit);
    const [row] = await this.ds.query("SELECT hits FROM rate_limit_hits WHERE bucket = ? AND window_start = ?", [
      bucket,
      sqlTime(windowStart),
    ]);
    if (num(row?.hits) > limit.max) throw this.refusal(windowStart, limit);
  }

  /** Counts one hit without judging it (e.g. a failed sign-in, judged by the next `check`). */
  async record(bucket: string, limit: Limit): Promise<Date> {
    const windowStart = this.windowStart(limit);
    await upsertRows(
      this.ds,
      "rate_limit_hits",
      ["bucket", "window_start", "hits"],
      ["bucket", "window_start"],
      { hits: "add" },
      [[bucket, sqlTime(windowStart), 1]],
    );
    return windowStart;
  }

  /** Drops finished windows (a job calls this; counters never matter after their window). */
  async prune(olderThanMs = 24 * 3600_000): Promise<number> {
    const cutoff = sqlTime(new Date(this.clock.now().getTime() - olderThanMs));
    const res = await this.ds.query("DELETE FROM rate_limit_hits WHERE window_start < ?", [cutoff]);
    return num((res as { affectedRows?: number })?.affectedRows ?? 0);
  }

  private windowStart(limit: Limit): Date {
    const now = this.clock.now().getTime();
    return new Date(now - (now % limit.windowMs));
  }

  private refusal(windowStart: Date, limit: Limit): RateLimitedError {
    const end = windowStart.getTime() + limit.windowMs;
    const retryAfterS = Math.max(1, Math.ceil((end - this.clock.now().getTime()) / 1000));
    return new RateLimitedError(`Too many requests: try again in ${retryAfterS} s`, retryAfterS);
  }
}
