import type { DataSource } from "typeorm";
import type { Clock } from "../../platform/clock.ts";
import { BotStatus, type BotState } from "./bot.entity.ts";
import { BOT_STATUS_NAME } from "./bot-writer.ts";

export interface StatusPatch {
  state?: BotState;
  puppet?: string;
  selfName?: string | null;
  /** undefined: unchanged; null: cleared */
  lastError?: string | null;
  lastErrorAt?: Date;
  startedAt?: Date;
  loggedInAt?: Date;
  /** counts one more reconnect */
  reconnect?: boolean;
}

/** The bot's status row: written by the instance that runs the bot, read by the admin on any instance. */
export class BotStatusStore {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async read(): Promise<BotStatus | null> {
    return this.ds.getRepository(BotStatus).findOneBy({ name: BOT_STATUS_NAME });
  }

  async update(patch: StatusPatch): Promise<void> {
    const repo = this.ds.getRepository(BotStatus);
    const now = this.clock.now();
    const row =
      (await repo.findOneBy({ name: BOT_STATUS_NAME })) ??
      repo.create({
        name: BOT_STATUS_NAME,
        state: "stopped",
        puppet: null,
        selfName: null,
        lastError: null,
        lastErrorAt: null,
        reconnects: 0,
        startedAt: null,
        loggedInAt: null,
        lastFlushAt: null,
        eventsWritten: 0,
      });
    if (patch.state) row.state = patch.state;
    if (patch.puppet !== undefined) row.puppet = patch.puppet.slice(0, 100);
    if (patch.selfName !== undefined) row.selfName = patch.selfName?.slice(0, 100) ?? null;
    if (patch.lastError !== undefined) row.lastError = patch.lastError;
    if (patch.lastErrorAt) row.lastErrorAt = patch.lastErrorAt;
    if (patch.startedAt) {
      row.startedAt = patch.startedAt;
      row.reconnects = 0;
      row.loggedInAt = null;
    }
    if (patch.loggedInAt) row.loggedInAt = patch.loggedInAt;
    if (patch.reconnect) row.reconnects += 1;
    row.updatedAt = now;
    await repo.save(row);
  }
}
