import type { JobDefinition } from "../jobs/job-runner.ts";
import type { Clock } from "../platform/clock.ts";
import type { WecomSimulator } from "../wecom/simulator/index.ts";

const SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN = ["晓婷", "子涵", "雨萱", "浩然", "欣怡", "梓轩", "佳怡", "俊杰", "诗涵", "一诺"];
const CHANNELS = ["store_qr_SH01", "store_qr_HZ01", "mall_popup", "livestream_1111"];

/**
 * Simulator mode only: every few minutes someone in the demo corp adds a guide on WeCom and a
 * customer joins a group, delivered to Siyu as real encrypted callbacks, so the demo moves like a
 * live corp. The choices follow the clock (minute of the day), not a random source.
 */
export function demoActivityJob(sim: WecomSimulator, clock: Clock): JobDefinition {
  return {
    name: "demo-activity",
    schedule: "*/5 * * * *",
    run: async () => {
      const now = clock.now();
      const tick = Math.floor(now.getTime() / 300_000);
      const guides = [...sim.state.staff.values()]
        .filter((s) => s.customerContact)
        .sort((a, b) => a.userid.localeCompare(b.userid));
      if (!guides.length) return;
      const guide = guides[tick % guides.length]!;
      const externalUserid = `wmDEMO${tick.toString(36).toUpperCase().padStart(10, "0")}`;
      if (!sim.state.customers.has(externalUserid)) {
        await sim.addCustomer(
          {
            external_userid: externalUserid,
            name: SURNAMES[tick % 10]! + GIVEN[(tick >> 3) % 10]!,
            type: 1,
            gender: ((tick % 2) + 1) as 1 | 2,
          },
          {
            userid: guide.userid,
            external_userid: externalUserid,
            createtime: Math.floor(now.getTime() / 1000),
            tag_ids: [],
            add_way: 1,
            state: CHANNELS[tick % CHANNELS.length],
          },
          { welcomeCode: true },
        );
      }
      // into one of the guide's groups, or any group when the guide owns none
      const all = [...sim.state.groups.values()].filter((g) => !g.dismissed);
      const own = all.filter((g) => g.owner === guide.userid);
      const pool = own.length ? own : all;
      const group = pool[tick % Math.max(pool.length, 1)];
      if (group && !group.members.some((m) => m.userid === externalUserid)) {
        await sim.joinGroup(group.chat_id, {
          userid: externalUserid,
          type: 2,
          join_time: Math.floor(now.getTime() / 1000),
          join_scene: 3,
        });
      }
    },
  };
}
