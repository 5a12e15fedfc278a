import type { JobDefinition } from "../../jobs/job-runner.ts";
import type { RfmService } from "../rfm/rfm.service.ts";
import type { GroupHealthService } from "./group-health.ts";
import type { WecomGroupStats } from "./wecom-group-stats.ts";

export const GROUP_WECOM_STATS_JOB = "group-wecom-stats";
export const GROUP_HEALTH_JOB = "group-health";
export const GROUP_TAGS_JOB = "group-tags";
const TZ = "Asia/Shanghai";

/**
 * The groups module's scheduled work, each under its own lease (one run across instances):
 * WeCom's statistics for yesterday after WeCom has settled the day, health and alerts in the
 * morning (alerts reach people in working hours), and a group-tag refresh that keeps
 * group_active / group_silent current as the bot records messages.
 */
export function groupJobs(parts: {
  stats: WecomGroupStats | null;
  health: GroupHealthService;
  rfm: Pick<RfmService, "refreshGroupTags" | "latest">;
}): JobDefinition[] {
  const jobs: JobDefinition[] = [
    {
      name: GROUP_HEALTH_JOB,
      schedule: "30 9 * * *",
      timezone: TZ,
      leaseMs: 10 * 60_000,
      run: () => parts.health.run().then(() => undefined),
    },
    {
      name: GROUP_TAGS_JOB,
      schedule: "*/15 * * * *",
      leaseMs: 10 * 60_000,
      // the nightly recompute writes the same tags: skip a slot rather than contend with it
      run: async () => {
        if ((await parts.rfm.latest())?.status === "running") return;
        await parts.rfm.refreshGroupTags();
      },
    },
  ];
  if (parts.stats) {
    const stats = parts.stats;
    jobs.push({
      name: GROUP_WECOM_STATS_JOB,
      schedule: "0 6 * * *",
      timezone: TZ,
      leaseMs: 10 * 60_000,
      run: ({ signal }) => stats.pull(signal).then(() => undefined),
    });
  }
  return jobs;
}
