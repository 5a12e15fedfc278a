import type { JobDefinition } from "../../jobs/job-runner.ts";
import type { GroupSopRunner } from "./group-sop-runner.ts";

export const GROUP_SOPS_JOB = "group-sops";

/** Every minute: due SOP occurrences become tasks (the job lease keeps one instance on it). */
export function groupSopJobs(runner: GroupSopRunner): JobDefinition[] {
  return [
    {
      name: GROUP_SOPS_JOB,
      schedule: "* * * * *",
      leaseMs: 5 * 60_000,
      run: ({ signal }) => runner.runDue(signal).then(() => undefined),
    },
  ];
}
