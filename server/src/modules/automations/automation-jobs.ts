import type { JobDefinition } from "../../jobs/job-runner.ts";
import type { AutomationRunner } from "./automation-runner.ts";

export const AUTOMATIONS_JOB = "automations";

/**
 * One job every ten minutes evaluates every enabled automation (due schedules, new downgrades,
 * follow-ups come due). The job lease keeps one instance on it per slot; each automation's own
 * lease and the unique keys of automation_members keep a customer from being acted on twice even
 * if two evaluations overlap (a slow run, a manual start).
 */
export function automationJobs(runner: AutomationRunner): JobDefinition[] {
  return [
    {
      name: AUTOMATIONS_JOB,
      schedule: "*/10 * * * *",
      leaseMs: 10 * 60_000,
      run: ({ signal }) => runner.evaluate(signal).then(() => undefined),
    },
  ];
}
