import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { Cron } from "croner";
import type { Logger } from "pino";
import { Brackets, type DataSource } from "typeorm";
import type { Clock } from "../platform/clock.ts";
import { JobLease } from "./job-lease.entity.ts";

export interface JobContext {
  log: Logger;
  /** aborted when the server shuts down; long jobs check it between steps */
  signal: AbortSignal;
  slot: string;
}

export interface JobDefinition {
  name: string;
  /** cron expression (croner syntax), evaluated in `timezone` */
  schedule?: string;
  timezone?: string;
  /** how long a claim lasts without a heartbeat before another instance may take it over */
  leaseMs?: number;
  run(ctx: JobContext): Promise<void>;
}

export type RunOutcome = "ran" | "skipped" | "failed";

const DEFAULT_LEASE_MS = 5 * 60_000;

/**
 * Scheduled and background work, safe with any number of server instances on one database.
 * Each run first claims the job's row in `job_leases` with a conditional UPDATE: only one
 * instance gets the row per schedule slot, and nobody while an unexpired lease is held. The
 * holder renews its lease while it works; if it dies, the lease runs out and the sweeper of any
 * instance claims the unfinished slot again.
 */
export class JobRunner {
  readonly owner: string;
  private readonly jobs = new Map<string, JobDefinition>();
  private readonly crons: Cron[] = [];
  private readonly running = new Set<Promise<unknown>>();
  private readonly abort = new AbortController();
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly log: Logger,
    owner?: string,
  ) {
    this.owner = owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  }

  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    this.jobs.set(job.name, job);
  }

  /** Starts the cron timers and the stale-lease sweeper. */
  start(sweepEveryMs = 60_000): void {
    for (const job of this.jobs.values()) {
      if (!job.schedule) continue;
      this.crons.push(
        new Cron(job.schedule, { timezone: job.timezone, protect: true }, (self: Cron) => {
          const slot = (self.currentRun() ?? this.clock.now()).toISOString().slice(0, 16);
          this.track(this.runSlot(job.name, slot));
        }),
      );
    }
    this.sweeper = setInterval(() => this.track(this.sweep()), sweepEveryMs);
    this.sweeper.unref();
  }

  /** Runs a job now (admin button, CLI), unless another instance holds its lease. */
  runNow(name: string): Promise<RunOutcome> {
    return this.track(this.runSlot(name, `manual:${this.clock.now().toISOString()}:${randomUUID().slice(0, 8)}`));
  }

  /** Claims the job now and runs it in the background; "busy" when someone holds its lease. */
  async startNow(name: string): Promise<"started" | "busy"> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`unknown job ${name}`);
    const slot = `manual:${this.clock.now().toISOString()}:${randomUUID().slice(0, 8)}`;
    if (!(await this.claim(name, slot, job.leaseMs ?? DEFAULT_LEASE_MS))) return "busy";
    this.track(this.execute(job, slot));
    return "started";
  }

  /** Work started outside a job (e.g. a callback processed after its ack) that stop() must wait for. */
  background<T>(p: Promise<T>): Promise<T> {
    return this.track(p);
  }

  has(name: string): boolean {
    return this.jobs.has(name);
  }

  /** The registered jobs' names (admin status, tests). */
  names(): string[] {
    return [...this.jobs.keys()];
  }

  /** Runs the job for a schedule slot if this instance wins the claim for it. */
  async runSlot(name: string, slot: string): Promise<RunOutcome> {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`unknown job ${name}`);
    if (!(await this.claim(name, slot, job.leaseMs ?? DEFAULT_LEASE_MS))) return "skipped";
    return this.execute(job, slot);
  }

  private async execute(job: JobDefinition, slot: string): Promise<RunOutcome> {
    const name = job.name;
    const leaseMs = job.leaseMs ?? DEFAULT_LEASE_MS;
    const log = this.log.child({ job: name, slot });
    const heartbeat = setInterval(
      () => void this.renew(name, leaseMs).catch(() => undefined),
      Math.max(leaseMs / 3, 50),
    );
    try {
      log.info("job started");
      await job.run({ log, signal: this.abort.signal, slot });
      await this.finish(name, "ok", null);
      log.info("job finished");
      return "ran";
    } catch (err) {
      log.error({ err }, "job failed");
      await this.finish(name, "failed", err instanceof Error ? err.message : String(err)).catch(() => undefined);
      return "failed";
    } finally {
      clearInterval(heartbeat);
    }
  }

  /** Re-runs slots whose holder stopped renewing its lease while the job was still running. */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const stale = await this.ds
      .getRepository(JobLease)
      .createQueryBuilder("l")
      .where("l.last_status = 'running' AND l.lease_until < :now", { now })
      .getMany();
    for (const lease of stale)
      if (this.jobs.has(lease.name) && lease.lastSlot) await this.runSlot(lease.name, lease.lastSlot);
  }

  /** Stops scheduling and waits for jobs in flight (they see `signal` aborted). */
  async stop(): Promise<void> {
    for (const c of this.crons) c.stop();
    if (this.sweeper) clearInterval(this.sweeper);
    this.abort.abort();
    await Promise.allSettled([...this.running]);
  }

  async status(): Promise<JobLease[]> {
    return this.ds.getRepository(JobLease).find({ order: { name: "ASC" } });
  }

  private async claim(name: string, slot: string, leaseMs: number): Promise<boolean> {
    const now = this.clock.now();
    const repo = this.ds.getRepository(JobLease);
    await repo.createQueryBuilder().insert().into(JobLease).values({ name, runCount: 0 }).orIgnore().execute();
    const result = await repo
      .createQueryBuilder()
      .update(JobLease)
      .set({
        owner: this.owner,
        leaseUntil: new Date(now.getTime() + leaseMs),
        lastSlot: slot,
        lastStartedAt: now,
        lastStatus: "running",
        lastError: null,
        runCount: () => "run_count + 1",
      })
      .where("name = :name", { name })
      .andWhere(new Brackets((w) => w.where("lease_until IS NULL").orWhere("lease_until < :now", { now })))
      .andWhere(
        new Brackets((w) =>
          w
            .where("last_slot IS NULL")
            .orWhere("last_slot <> :slot", { slot })
            // the same slot again only when its holder died mid-run
            .orWhere("last_status = 'running'"),
        ),
      )
      .execute();
    return result.affected === 1;
  }

  private async renew(name: string, leaseMs: number): Promise<void> {
    await this.ds
      .getRepository(JobLease)
      .update({ name, owner: this.owner }, { leaseUntil: new Date(this.clock.now().getTime() + leaseMs) });
  }

  private async finish(name: string, status: "ok" | "failed", error: string | null): Promise<void> {
    await this.ds
      .getRepository(JobLease)
      .update(
        { name, owner: this.owner },
        { leaseUntil: null, lastFinishedAt: this.clock.now(), lastStatus: status, lastError: error },
      );
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.running.add(p);
    void p.finally(() => this.running.delete(p)).catch(() => undefined);
    return p;
  }
}
