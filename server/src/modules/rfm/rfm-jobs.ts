import { Cron } from "croner";
import type { DataSource } from "typeorm";
import { execute, insertIgnore, dialectOf, sqlTime } from "../../db/dialect.ts";
import type { JobDefinition, JobRunner } from "../../jobs/job-runner.ts";
import type { Clock } from "../../platform/clock.ts";
import { RFM_TIMEZONE } from "./rfm-settings.ts";
import type { RfmService } from "./rfm.service.ts";

/** The job every recompute runs under (server, nightly, after imports, admin button, CLI): never two at once. */
export const RFM_RECOMPUTE_JOB = "rfm-recompute";
/** Every minute: starts the nightly recompute when the configured schedule's slot has come. */
export const RFM_NIGHTLY_JOB = "rfm-nightly";
/** Every minute: runs the recompute requested after order imports once the requests have settled. */
export const RFM_DEBOUNCE_JOB = "rfm-debounce";
/** The pending request, in `settings`: `{ since, first, reason }`. */
export const RFM_PENDING_SETTING = "rfm.pending";

/** A recompute can take minutes on a large corp; the runner renews the lease while it works. */
export const RFM_RECOMPUTE_LEASE_MS = 30 * 60_000;
/** A request is served once no new one has come for this long... */
export const DEBOUNCE_MS = 60_000;
/** ...or once the first unserved one is this old (a steady stream of imports still gets figures). */
export const DEBOUNCE_MAX_WAIT_MS = 15 * 60_000;
/** A nightly slot missed (server down) is still run within this long after it. */
export const NIGHTLY_CATCH_UP_MS = 60 * 60_000;

export interface PendingRecompute {
  since: string;
  first: string;
  reason: string;
}

/**
 * "Recompute soon": order imports call requestSoon(); the request is a row in `settings`, so it
 * survives a restart and any instance's debounce job can serve it.
 */
export class RecomputeRequests {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async requestSoon(reason: string): Promise<void> {
    const now = this.clock.now();
    const seen = await this.read();
    const value: PendingRecompute = {
      since: now.toISOString(),
      first: seen?.value.first ?? now.toISOString(),
      reason: reason.slice(0, 200),
    };
    const text = JSON.stringify(value);
    const updated = await execute(this.ds, "UPDATE settings SET value = ?, updated_at = ? WHERE name = ?", [
      text,
      sqlTime(now),
      RFM_PENDING_SETTING,
    ]);
    if (updated) return;
    const inserted = await execute(
      this.ds,
      `${insertIgnore(dialectOf(this.ds))} INTO settings (name, value, updated_by, updated_at) VALUES (?, ?, NULL, ?)`,
      [RFM_PENDING_SETTING, text, sqlTime(now)],
    );
    // another instance inserted it meanwhile: the latest request wins
    if (!inserted)
      await execute(this.ds, "UPDATE settings SET value = ?, updated_at = ? WHERE name = ?", [
        text,
        sqlTime(now),
        RFM_PENDING_SETTING,
      ]);
  }

  async pending(): Promise<PendingRecompute | null> {
    return (await this.read())?.value ?? null;
  }

  /** Clears the request, unless a newer one replaced it since it was read (that one stays for the next run). */
  async clear(seen: PendingRecompute): Promise<boolean> {
    const current = await this.read();
    if (!current || JSON.stringify(current.value) !== JSON.stringify(seen)) return false;
    return (
      (await execute(this.ds, "DELETE FROM settings WHERE name = ? AND value = ?", [
        RFM_PENDING_SETTING,
        current.text,
      ])) > 0
    );
  }

  private async read(): Promise<{ value: PendingRecompute; text: string } | null> {
    const [row] = await this.ds.query("SELECT value FROM settings WHERE name = ?", [RFM_PENDING_SETTING]);
    if (!row) return null;
    const text = String(row.value);
    try {
      return { value: JSON.parse(text) as PendingRecompute, text };
    } catch {
      return {
        value: { since: new Date(0).toISOString(), first: new Date(0).toISOString(), reason: "unreadable" },
        text,
      };
    }
  }
}

/** The trigger a recompute records, read from the slot it runs in. */
export function triggerOf(slot: string): string {
  if (slot.startsWith("nightly:")) return "schedule";
  if (slot.startsWith("import:")) return "import";
  return "manual";
}

/**
 * The RFM jobs. `rfm-recompute` does the work; it has no cron of its own, so that the schedule can
 * be changed in the admin without a restart: `rfm-nightly` ticks every minute, reads the schedule
 * from the settings and runs `rfm-recompute` for a slot that has come and has no scheduled
 * computation yet. `rfm-debounce` serves RecomputeRequests. Both run the recompute through the
 * runner (`runSlot`), so it always holds the one `rfm-recompute` lease: with several instances, or a
 * CLI run, there is still one computation at a time.
 */
export function rfmJobs(
  rfm: RfmService,
  requests: RecomputeRequests,
  runner: Pick<JobRunner, "runSlot">,
  clock: Clock,
): JobDefinition[] {
  return [
    {
      name: RFM_RECOMPUTE_JOB,
      leaseMs: RFM_RECOMPUTE_LEASE_MS,
      run: async ({ slot, log, signal }) => {
        const interrupted = await rfm.failInterrupted();
        if (interrupted) log.warn({ interrupted }, "marked interrupted RFM computations as failed");
        await rfm.recompute({ triggeredBy: triggerOf(slot), signal });
      },
    },
    {
      name: RFM_NIGHTLY_JOB,
      schedule: "* * * * *",
      timezone: RFM_TIMEZONE,
      leaseMs: RFM_RECOMPUTE_LEASE_MS,
      run: async () => {
        const slot = await nightlySlotDue(rfm, clock);
        if (slot) await runner.runSlot(RFM_RECOMPUTE_JOB, `nightly:${slot.toISOString()}`);
      },
    },
    {
      name: RFM_DEBOUNCE_JOB,
      schedule: "* * * * *",
      leaseMs: RFM_RECOMPUTE_LEASE_MS,
      run: async ({ log }) => {
        const seen = await requests.pending();
        if (!seen) return;
        const now = clock.now().getTime();
        const since = Date.parse(seen.since);
        if (now - since < DEBOUNCE_MS && now - Date.parse(seen.first) < DEBOUNCE_MAX_WAIT_MS) return;
        // a computation that started after the latest request already includes what it asked for
        if (!(await rfm.startedSince(new Date(since)))) {
          const outcome = await runner.runSlot(RFM_RECOMPUTE_JOB, `import:${seen.since}`);
          if (outcome === "skipped") return; // another recompute holds the lease: try again next minute
          if (outcome === "failed") log.warn({ reason: seen.reason }, "requested RFM recompute failed");
        }
        await requests.clear(seen);
      },
    },
  ];
}

/** The latest slot of the configured schedule if it is due: passed, recent, and not yet run. */
export async function nightlySlotDue(rfm: RfmService, clock: Clock): Promise<Date | null> {
  const { schedule } = await rfm.getSettings();
  const now = clock.now();
  const cron = new Cron(schedule, { mode: "5-part", timezone: RFM_TIMEZONE, paused: true });
  const [slot] = cron.previousRuns(1, new Date(now.getTime() + 1));
  cron.stop();
  if (!slot || now.getTime() - slot.getTime() > NIGHTLY_CATCH_UP_MS) return null;
  return (await rfm.scheduledSince(slot)) ? null : slot;
}
