import type { Logger } from "pino";
import type { BotEvent } from "./bot-events.ts";
import type { WriteResult } from "./bot-writer.ts";

export interface EventSink {
  write(events: BotEvent[]): Promise<WriteResult>;
}

export interface PipelineOptions {
  /** events per write transaction */
  batchSize: number;
  /** a partial batch waits at most this long */
  flushIntervalMs: number;
  /** accept() waits for a write when this many events are buffered */
  highWater: number;
}

/**
 * A trickle is written once a second; a burst 50 000 events a transaction (per-member work is per
 * batch, so bigger batches cost less per message; one such transaction takes about a second).
 */
export const DEFAULT_PIPELINE: PipelineOptions = { batchSize: 50_000, flushIntervalMs: 1000, highWater: 100_000 };

export interface PipelineStats {
  received: number;
  counted: number;
  duplicates: number;
  buffered: number;
  failedWrites: number;
  lastError: string | null;
}

/**
 * Buffers bot events and writes them in batches, one write at a time. A failed write keeps its
 * events (they go back to the front and are retried later: the writer's remembered ids make the
 * retry safe); stop() writes everything still buffered. Events only live in memory until their
 * batch commits: a crash loses at most the last flush interval, unless the puppet redelivers.
 */
export class BotPipeline {
  private buffer: BotEvent[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private retryMs: number;
  private readonly stats: PipelineStats = {
    received: 0,
    counted: 0,
    duplicates: 0,
    buffered: 0,
    failedWrites: 0,
    lastError: null,
  };

  constructor(
    private readonly sink: EventSink,
    private readonly logger: Logger,
    private readonly opts: PipelineOptions = DEFAULT_PIPELINE,
    private readonly onWriteError: (err: unknown) => void = () => {},
  ) {
    this.retryMs = opts.flushIntervalMs;
  }

  async accept(event: BotEvent): Promise<void> {
    this.buffer.push(event);
    this.stats.received++;
    if (this.buffer.length >= this.opts.batchSize) void this.flush(false);
    else this.arm(this.opts.flushIntervalMs);
    // the producer (Wechaty's handlers) waits while the database catches up
    if (this.buffer.length >= this.opts.highWater) await this.flush(true);
  }

  /** Writes full batches (all: everything buffered); resolves when this round of writes is done. */
  flush(all: boolean): Promise<void> {
    if (this.running) return all ? this.running.then(() => this.flush(true)) : this.running;
    this.running = this.writeBatches(all).finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Writes everything buffered; throws when a write fails (the events stay buffered). */
  async drain(): Promise<void> {
    this.disarm();
    await this.flush(true);
    if (this.buffer.length) throw new Error(`bot events not written: ${this.stats.lastError ?? "unknown"}`);
  }

  snapshot(): PipelineStats {
    return { ...this.stats, buffered: this.buffer.length };
  }

  private async writeBatches(all: boolean): Promise<void> {
    while (this.buffer.length >= (all ? 1 : this.opts.batchSize)) {
      const batch = this.buffer.splice(0, this.opts.batchSize);
      try {
        const r = await this.sink.write(batch);
        this.stats.counted += r.counted;
        this.stats.duplicates += r.duplicates;
        this.retryMs = this.opts.flushIntervalMs;
      } catch (err) {
        this.buffer.unshift(...batch);
        this.stats.failedWrites++;
        this.stats.lastError = (err as Error)?.message ?? String(err);
        this.logger.error({ err, events: batch.length }, "bot events write failed; will retry");
        this.onWriteError(err);
        this.retryMs = Math.min(this.retryMs * 2, 30_000);
        this.arm(this.retryMs);
        return;
      }
    }
    if (this.buffer.length) this.arm(this.opts.flushIntervalMs);
  }

  private arm(ms: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush(true);
    }, ms);
    this.timer.unref();
  }

  private disarm(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
