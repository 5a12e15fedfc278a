import type { JobDefinition } from "../../jobs/job-runner.ts";
import type { CampaignLaunch } from "./campaign-launch.ts";
import type { CampaignTracking } from "./campaign-tracking.ts";
import type { MassSendReconciler } from "./mass-send-reconcile.ts";

export const CAMPAIGN_JOBS = {
  overdue: "campaigns-overdue",
  reminders: "campaigns-reminders",
  massSendResults: "campaigns-mass-send-results",
  conversions: "campaigns-conversions",
} as const;

/** The campaign jobs, each safe on several instances (job leases, dedupe keys, conditional updates). */
export function campaignJobs(
  launch: CampaignLaunch,
  tracking: CampaignTracking,
  reconciler: MassSendReconciler | null,
): JobDefinition[] {
  return [
    {
      name: CAMPAIGN_JOBS.overdue,
      schedule: "*/5 * * * *",
      leaseMs: 5 * 60_000,
      run: () => tracking.runOverdue().then(() => undefined),
    },
    {
      name: CAMPAIGN_JOBS.reminders,
      schedule: "*/5 * * * *",
      leaseMs: 5 * 60_000,
      run: () => tracking.runReminders().then(() => undefined),
    },
    {
      name: CAMPAIGN_JOBS.massSendResults,
      schedule: "*/10 * * * *",
      leaseMs: 10 * 60_000,
      // mass sends whose creation timed out (found in WeCom, or queued again), those planned by a
      // launch whose process stopped before creating them, then results
      run: async () => {
        await reconciler?.run();
        await launch.createMassSends();
        await tracking.readMassSendResults();
      },
    },
    {
      name: CAMPAIGN_JOBS.conversions,
      schedule: "*/10 * * * *",
      leaseMs: 10 * 60_000,
      run: () => tracking.runConversions().then(() => undefined),
    },
  ];
}
