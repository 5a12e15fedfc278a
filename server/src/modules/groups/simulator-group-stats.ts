import type { DataSource } from "typeorm";
import { num } from "../../db/dialect.ts";
import { groupDayKey, type SimState } from "../../wecom/simulator/model.ts";
import { dayStartOf } from "./business-day.ts";

/**
 * Demo only: gives the WeCom simulator the message activity the demo's bot recorded, so that its
 * groupchat/statistic answers describe the same groups and the admin can show WeCom's figures
 * beside the bot's. Returns the number of group-days filled.
 */
export async function fillSimulatorGroupStats(ds: DataSource, state: SimState): Promise<number> {
  const rows: { chat_id: string; day: string; messages: unknown; active_members: unknown }[] = await ds.query(
    `SELECT g.chat_id, d.day, d.messages, d.active_members FROM group_activity_daily d
       JOIN customer_groups g ON g.id = d.group_id WHERE d.source = 'bot' AND d.messages > 0`,
  );
  for (const r of rows)
    state.groupDayStats.set(groupDayKey(r.chat_id, dayStartOf(r.day).getTime() / 1000), {
      msg_cnt: num(r.messages),
      member_has_msg: num(r.active_members),
    });
  return rows.length;
}
