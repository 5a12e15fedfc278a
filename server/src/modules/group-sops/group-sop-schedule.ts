import { Cron } from "croner";
import { SCHEDULE_TIMEZONE, scheduleProblem } from "../automations/automation-schedule.ts";

/** An SOP posts at most once an hour: a tighter schedule would bury owners in tasks. */
const MIN_GAP_MS = 60 * 60_000;
/** how far back a restart looks for the latest missed slot (a yearly schedule still finds its own) */
const LOOKBACK_MS = 400 * 86_400_000;

const cron = (expr: string) => new Cron(expr, { timezone: SCHEDULE_TIMEZONE, paused: true });

/** Why `expr` cannot be an SOP schedule, or null: five cron fields, at most one slot an hour. */
export function sopScheduleProblem(expr: string): string | null {
  const problem = scheduleProblem(expr);
  if (problem) return problem;
  // 48 slots from a fixed instant cover every pattern of a day and most of a week
  const runs = cron(expr).nextRuns(48, new Date("2026-01-01T00:00:00Z"));
  if (!runs.length) return "never fires";
  for (let i = 1; i < runs.length; i++)
    if (runs[i]!.getTime() - runs[i - 1]!.getTime() < MIN_GAP_MS) return "fires more than once an hour";
  return null;
}

/** The first slot strictly after `after`, or null when the schedule has none. */
export function nextOccurrence(expr: string, after: Date): Date | null {
  return cron(expr).nextRun(after);
}

/**
 * The latest slot at or before `now` and not before `since`, and how many earlier slots in
 * [since, latest) were passed over; null when no slot falls in [since, now].
 */
export function latestOccurrence(expr: string, since: Date, now: Date): { at: Date; skipped: number } | null {
  const c = cron(expr);
  const [latest] = c.previousRuns(1, new Date(now.getTime() + 1));
  if (!latest || latest.getTime() > now.getTime() || latest.getTime() < since.getTime()) return null;
  let skipped = 0;
  let t = new Date(Math.max(since.getTime(), now.getTime() - LOOKBACK_MS) - 1);
  for (;;) {
    const next = c.nextRun(t);
    if (!next || next.getTime() >= latest.getTime() || skipped >= 10_000) break;
    skipped++;
    t = next;
  }
  return { at: latest, skipped };
}
