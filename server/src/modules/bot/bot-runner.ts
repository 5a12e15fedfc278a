import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import {
  WechatyBuilder,
  types,
  type Contact,
  type Message,
  type Room,
  type Wechaty as WechatyInterface,
} from "wechaty";
import type { WechatyOptions } from "wechaty";
import type { Clock } from "../../platform/clock.ts";
import type { RoomRef } from "./bot-events.ts";
import type { BotPipeline } from "./bot-pipeline.ts";
import type { BotStatusStore } from "./bot-status.ts";
import type { GroupPoster } from "./group-poster.ts";

/**
 * Makes the Wechaty options of one connection: a puppet instance (tests: PuppetMock) or a puppet
 * package name with its options (WECHATY_PUPPET / WECHATY_PUPPET_TOKEN). Called again on every
 * reconnect, so each connection gets a fresh puppet.
 */
export type PuppetFactory = () => WechatyOptions;

export function configuredPuppet(puppet: string, token: string | undefined): PuppetFactory {
  return () => ({ puppet, puppetOptions: token ? { token } : {} }) as WechatyOptions;
}

export interface ReconnectPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
}

/** wechaty 1.20.2 reports this for every room-join/room-leave (it looks the room up as a contact). */
const BENIGN_ERROR = /no payload found for id .*@chatroom/;

/**
 * Runs one Wechaty instance: turns `message`, `room-join`, `room-leave` and `room-topic` of rooms
 * into pipeline events (ids, times, counts: never message text), reconnects with backoff after a
 * failed start, a logout or a puppet error that leaves it logged out, and keeps the admin's
 * status row up to date. Also posts into mapped groups for other modules (GroupPoster).
 */
export class BotRunner implements GroupPoster {
  private bot: WechatyInterface | null = null;
  private stopped = true;
  private retryTimer: NodeJS.Timeout | null = null;
  private delayMs: number;
  private connecting: Promise<void> | null = null;
  private readonly inflight = new Set<Promise<void>>();
  private readonly rooms = new Map<string, { topic: string; ownerId: string | null }>();

  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly factory: PuppetFactory,
    private readonly puppetName: string,
    private readonly pipeline: BotPipeline,
    private readonly status: BotStatusStore,
    private readonly policy: ReconnectPolicy = { firstDelayMs: 1000, maxDelayMs: 60_000 },
  ) {
    this.delayMs = policy.firstDelayMs;
  }

  get running(): boolean {
    return !this.stopped;
  }

  get loggedIn(): boolean {
    return Boolean(this.bot?.isLoggedIn);
  }

  stats() {
    return this.pipeline.snapshot();
  }

  /** Starts connecting; a failure is retried in the background, never thrown. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    this.delayMs = this.policy.firstDelayMs;
    await this.status.update({ state: "starting", puppet: this.puppetName, startedAt: this.clock.now() });
    await this.connect();
  }

  /** Stops the puppet, lets handlers in flight finish, writes every buffered event. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = null;
    await this.connecting?.catch(() => undefined);
    await this.disconnect(true);
    await this.pipeline.drain();
    await this.status.update({ state: "stopped" }).catch(() => undefined);
  }

  async post(groupId: number, text: string): Promise<{ ok: boolean; reason?: string }> {
    const bot = this.bot;
    if (this.stopped || !bot || !bot.isLoggedIn) return { ok: false, reason: "bot not running" };
    const rows: { room_id: string }[] = await this.ds.query("SELECT room_id FROM bot_rooms WHERE group_id = ?", [
      groupId,
    ]);
    if (!rows.length) return { ok: false, reason: "group not mapped to a bot room" };
    try {
      const room = await bot.Room.find({ id: rows[0]!.room_id });
      if (!room) return { ok: false, reason: "the bot is not in that room" };
      await room.say(text);
      return { ok: true };
    } catch (err) {
      return { ok: false, reason: (err as Error)?.message ?? String(err) };
    }
  }

  private connect(): Promise<void> {
    this.connecting = (async () => {
      const bot = WechatyBuilder.build(this.factory());
      this.rooms.clear();
      this.listen(bot);
      this.bot = bot;
      try {
        await bot.start();
        await this.status.update({ state: "running", lastError: undefined });
      } catch (err) {
        await this.failed(bot, err);
      }
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  /** Stops the current puppet; `settle` also waits for the handlers in flight (not from inside one). */
  private async disconnect(settle: boolean): Promise<void> {
    const bot = this.bot;
    this.bot = null;
    if (bot) await bot.stop().catch((err: unknown) => this.logger.warn({ err }, "bot stop failed"));
    if (settle) while (this.inflight.size) await Promise.allSettled([...this.inflight]);
  }

  /** Records the error and tries again after a growing delay. */
  private async failed(bot: WechatyInterface, err: unknown): Promise<void> {
    if (this.stopped || this.bot !== bot) return;
    this.logger.warn({ err }, "bot puppet failed; reconnecting");
    await this.status
      .update({ state: "reconnecting", lastError: describe(err), lastErrorAt: this.clock.now(), reconnect: true })
      .catch((e) => this.logger.error({ err: e }, "bot status write failed"));
    await this.disconnect(false);
    const delay = this.delayMs;
    this.delayMs = Math.min(this.delayMs * 2, this.policy.maxDelayMs);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.stopped) void this.connect();
    }, delay);
    this.retryTimer.unref();
  }

  private listen(bot: WechatyInterface): void {
    const track = (work: () => Promise<void>) => {
      const p = work().catch((err) => this.logger.error({ err }, "bot event dropped"));
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    };
    bot.on("login", (user: Contact) =>
      track(async () => {
        this.delayMs = this.policy.firstDelayMs;
        await this.status.update({ state: "running", selfName: user.name() || null, loggedInAt: this.clock.now() });
      }),
    );
    bot.on("logout", (_user: Contact, reason?: string) =>
      track(() => this.failed(bot, new Error(`logged out${reason ? `: ${reason}` : ""}`))),
    );
    bot.on("error", (err: unknown) => {
      if (BENIGN_ERROR.test(describe(err))) return;
      this.logger.warn({ err }, "bot error");
      track(async () => {
        // an error before the login, or one that leaves the puppet logged out, is a lost connection
        if (this.bot === bot && !bot.isLoggedIn) await this.failed(bot, err);
        else await this.status.update({ lastError: describe(err), lastErrorAt: this.clock.now() });
      });
    });
    bot.on("message", (msg: Message) =>
      track(async () => {
        const room = msg.room();
        if (!room || msg.self() || msg.type() === types.Message.Recalled) return;
        const talker = msg.talker();
        await this.pipeline.accept({
          kind: "message",
          messageId: msg.id,
          room: await this.roomRef(room),
          talkerId: talker.id,
          talkerName: talker.name() || null,
          at: msg.date(),
        });
      }),
    );
    bot.on("room-join", (room: Room, invitees: Contact[], _inviter: Contact, date?: Date) =>
      track(async () => {
        const memberIds = invitees.map((c) => c.id).filter((id) => id !== bot.currentUser?.id);
        if (memberIds.length)
          await this.pipeline.accept({
            kind: "join",
            room: await this.roomRef(room),
            memberIds,
            at: date ?? this.clock.now(),
          });
      }),
    );
    bot.on("room-leave", (room: Room, leavers: Contact[], _remover?: Contact, date?: Date) =>
      track(async () => {
        const memberIds = leavers.map((c) => c.id);
        if (memberIds.length)
          await this.pipeline.accept({
            kind: "leave",
            room: await this.roomRef(room),
            memberIds,
            at: date ?? this.clock.now(),
          });
      }),
    );
    bot.on("room-topic", (room: Room, topic: string, _old: string, _changer: Contact, date?: Date) =>
      track(async () => {
        const ref = await this.roomRef(room);
        this.rooms.set(room.id, { topic, ownerId: ref.ownerId ?? null });
        await this.pipeline.accept({ kind: "topic", room: { ...ref, topic }, at: date ?? this.clock.now() });
      }),
    );
  }

  /** The room's topic and owner, read once per connection (they change only by room-topic). */
  private async roomRef(room: Room): Promise<RoomRef> {
    let known = this.rooms.get(room.id);
    if (!known) {
      const topic = await room.topic().catch(() => "");
      const owner = room.owner();
      known = { topic, ownerId: owner?.id ?? null };
      this.rooms.set(room.id, known);
    }
    return { id: room.id, topic: known.topic, ownerId: known.ownerId };
  }
}

function describe(err: unknown): string {
  return String((err as Error)?.message ?? err)
    .split("\n")[0]!
    .slice(0, 500);
}
