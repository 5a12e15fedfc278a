import type { SyncPhase, SyncRunView } from "@/api/types";

/** The phases in order; the progress bar shows how far a run has come. */
export const PHASES: SyncPhase[] = ["staff", "customers", "tags", "groups", "finish"];

export function phasePercent(run: SyncRunView | null): number {
  if (!run) return 0;
  if (run.status === "done") return 100;
  return Math.round((PHASES.indexOf(run.phase) / PHASES.length) * 100);
}

export const COUNT_KEYS = ["staff", "customers", "relations", "relationsGone", "tags", "groups", "members"] as const;

/** Poll while a run is in progress, rest otherwise. */
export const POLL_MS = 1500;
