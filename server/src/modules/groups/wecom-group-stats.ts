import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { execute, num, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import type { GroupStatisticData } from "../../wecom/wecom-types.ts";
import { addDays, businessDay, daysBetween, dayStartOf } from "./business-day.ts";
import { groupsSql } from "./groups-sql.ts";

/** WeCom answers for yesterday back to 180 days, at most 30 days per call (wecom.md §4.3). */
export const WECOM_STATS_WINDOW_DAYS = 30;
const OWNERS_PER_CALL = 100;
const PAGE = 1000;
const COLUMNS = [
  "owner_userid",
  "day",
  "source",
  "staff_id",
  "new_chat_cnt",
  "chat_total",
  "chat_has_msg",
  "new_member_cnt",
  "member_total",
  "member_has_msg",
  "msg_total",
  "migrate_trainee_chat_cnt",
  "pulled_at",
] as const;

export interface PullReport {
  days: string[];
  owners: number;
  rows: number;
  calls: number;
  via: "statistic" | "statistic_group_by_day" | "none";
}

type StatsApi = Pick<WecomClient, "groupChatStatistic" | "groupChatStatisticByDay">;

/**
 * The daily pull of WeCom's group statistics per owner into group_owner_stats_daily. It fills the
 * days of the last 30 (ending yesterday) that have no row yet, so the first run backfills 30 days
 * and later runs fetch yesterday. Of the two ways to ask, it takes the one with fewer calls:
 * groupchat/statistic for one day and up to 100 owners a call, or statistic_group_by_day for one
 * owner and up to 30 days a call. Rows are upserted by (owner, day): a re-run writes nothing twice.
 */
export class WecomGroupStats {
  constructor(
    private readonly ds: DataSource,
    private readonly client: StatsApi,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async pull(signal?: AbortSignal): Promise<PullReport> {
    const yesterday = addDays(businessDay(this.clock.now()), -1);
    const window = daysBetween(addDays(yesterday, 1 - WECOM_STATS_WINDOW_DAYS), yesterday);
    const pulled = new Set(
      (
        (await this.ds.query("SELECT DISTINCT day FROM group_owner_stats_daily WHERE day >= ? AND day <= ?", [
          window[0],
          yesterday,
        ])) as { day: string }[]
      ).map((r) => r.day),
    );
    const missing = window.filter((d) => !pulled.has(d));
    const ownerRows: { owner_userid: string; staff_id: unknown }[] = await this.ds.query(
      `SELECT g.owner_userid, MAX(s.id) AS staff_id FROM customer_groups g
         LEFT JOIN staff s ON s.userid = g.owner_userid
        WHERE g.owner_userid <> '' AND (s.id IS NULL OR s.status = 'active')
        GROUP BY g.owner_userid ORDER BY g.owner_userid`,
    );
    const staffOf = new Map(ownerRows.map((r) => [r.owner_userid, r.staff_id == null ? null : num(r.staff_id)]));
    const owners = [...staffOf.keys()];
    const report: PullReport = { days: missing, owners: owners.length, rows: 0, calls: 0, via: "none" };
    if (!missing.length || !owners.length) return report;

    const batches = Math.ceil(owners.length / OWNERS_PER_CALL);
    const write = async (items: { owner: string; day: string; data: GroupStatisticData }[]) => {
      report.rows += await this.upsert(items, staffOf);
    };
    if (missing.length * batches <= owners.length) {
      report.via = "statistic";
      for (const day of missing) {
        for (let i = 0; i < owners.length; i += OWNERS_PER_CALL) {
          signal?.throwIfAborted();
          const userids = owners.slice(i, i + OWNERS_PER_CALL);
          const begin = dayStartOf(day).getTime() / 1000;
          for (let offset = 0; ;) {
            report.calls++;
            const r = await this.client.groupChatStatistic({
              day_begin_time: begin,
              day_end_time: begin,
              owner_filter: { userid_list: userids },
              offset,
              limit: PAGE,
            });
            await write(r.items.map((it) => ({ owner: it.owner, day, data: it.data })));
            if (!r.items.length || r.next_offset >= r.total) break;
            offset = r.next_offset;
          }
        }
      }
    } else {
      report.via = "statistic_group_by_day";
      const begin = dayStartOf(missing[0]!).getTime() / 1000;
      const end = dayStartOf(missing[missing.length - 1]!).getTime() / 1000;
      for (const owner of owners) {
        signal?.throwIfAborted();
        report.calls++;
        let r: Awaited<ReturnType<StatsApi["groupChatStatisticByDay"]>>;
        try {
          r = await this.client.groupChatStatisticByDay({
            day_begin_time: begin,
            day_end_time: end,
            owner_filter: { userid_list: [owner] },
          });
        } catch (err) {
          // one owner WeCom refuses (left meanwhile, no 客户联系) must not cost everyone else's figures
          if (!(err instanceof WecomError)) throw err;
          this.log.warn({ owner, errcode: err.errcode }, "WeCom group statistics refused for an owner");
          continue;
        }
        await write(r.items.map((it) => ({ owner, day: businessDay(new Date(it.stat_time * 1000)), data: it.data })));
      }
    }
    this.log.info({ ...report, days: missing.length }, "WeCom group statistics pulled");
    return report;
  }

  private async upsert(
    items: { owner: string; day: string; data: GroupStatisticData }[],
    staffOf: Map<string, number | null>,
  ): Promise<number> {
    if (!items.length) return 0;
    const now = sqlTime(this.clock.now());
    const S = groupsSql(this.ds);
    const perStatement = 500;
    for (let i = 0; i < items.length; i += perStatement) {
      const chunk = items.slice(i, i + perStatement);
      await execute(
        this.ds,
        S.upsertValues("group_owner_stats_daily", COLUMNS, ["owner_userid", "day"], chunk.length),
        chunk.flatMap(({ owner, day, data: d }) => [
          owner,
          day,
          "wecom",
          staffOf.get(owner) ?? null,
          d.new_chat_cnt ?? 0,
          d.chat_total ?? 0,
          d.chat_has_msg ?? 0,
          d.new_member_cnt ?? 0,
          d.member_total ?? 0,
          d.member_has_msg ?? 0,
          d.msg_total ?? 0,
          d.migrate_trainee_chat_cnt ?? null,
          now,
        ]),
      );
    }
    return items.length;
  }
}
