import { Cron } from "croner";

/** Schedules are read in the corp's business time zone, like the server's own jobs. */
export const SCHEDULE_TIMEZONE = "Asia/Shanghai";

/**
 * Why a cron expression cannot be used, or null when it can: five fields (minute hour day month
 * weekday, croner syntax), no seconds. Evaluation runs every ten minutes, so a slot is acted on
 * within ten minutes of its time and a schedule tighter than that runs at most once per pass.
 */
export function scheduleProblem(expr: string): string | null {
  if (expr.trim().split(/\s+/).length !== 5) return "needs five fields: minute hour day month weekday";
  try {
    new Cron(expr, { timezone: SCHEDULE_TIMEZONE, paused: true });
    return null;
  } catch (err) {
    return `is not a valid cron expression (${err instanceof Error ? err.message : String(err)})`;
  }
}

/** The first slot of `expr` strictly after `after`, or null when the schedule has no further slot. */
export function nextSlot(expr: string, after: Date): Date | null {
  return new Cron(expr, { timezone: SCHEDULE_TIMEZONE, paused: true }).nextRun(after);
}
