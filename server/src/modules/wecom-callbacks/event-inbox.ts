import { createHash } from "node:crypto";
import type { Logger } from "pino";
import { In, LessThan, type DataSource } from "typeorm";
import { dialectOf, execute, insertIgnore, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import { WecomEvent } from "../../wecom/wecom-event.entity.ts";
import { parseWecomXml, str, type XmlValue } from "../../wecom/xml.ts";

export type EventHandler = (event: Record<string, XmlValue>) => Promise<void>;

const MAX_ATTEMPTS = 5;
const STUCK_AFTER_MS = 5 * 60_000;

/**
 * The durable inbox behind POST /wecom/callback. A decrypted event is stored before WeCom gets its
 * 200 (so nothing is lost if the process dies next), keyed by a hash of its plaintext (WeCom's
 * retries resend the identical message, so a retry is recognised and stored once), and then
 * processed at most once at a time by whichever instance claims it.
 */
export class EventInbox {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly handle: EventHandler,
  ) {}

  /** Stores the event; returns its id and whether it was new. */
  async store(plaintext: string): Promise<{ id: number; isNew: boolean }> {
    const fields = parseWecomXml(plaintext);
    const key = createHash("sha256").update(plaintext).digest("hex");
    const inserted = await execute(
      this.ds,
      `${insertIgnore(dialectOf(this.ds))} INTO wecom_events (dedupe_key, event, change_type, payload, status, attempts, received_at)
       VALUES (?, ?, ?, ?, 'received', 0, ?)`,
      [
        key,
        (str(fields.Event) ?? str(fields.MsgType) ?? "unknown").slice(0, 50),
        str(fields.ChangeType)?.slice(0, 50) ?? null,
        plaintext,
        sqlTime(this.clock.now()),
      ],
    );
    const row = await this.ds.getRepository(WecomEvent).findOneByOrFail({ dedupeKey: key });
    return { id: row.id, isNew: inserted > 0 };
  }

  /** Processes one stored event if no one else holds it; a failure is retried later. */
  async process(id: number): Promise<"done" | "failed" | "skipped"> {
    const now = this.clock.now();
    const claim = await this.ds
      .getRepository(WecomEvent)
      .createQueryBuilder()
      .update(WecomEvent)
      .set({ status: "processing", attempts: () => "attempts + 1", processedAt: now })
      .where("id = :id AND attempts < :max", { id, max: MAX_ATTEMPTS })
      .andWhere("(status IN ('received', 'failed') OR (status = 'processing' AND processed_at < :stuck))", {
        stuck: new Date(now.getTime() - STUCK_AFTER_MS),
      })
      .execute();
    if (claim.affected !== 1) return "skipped";
    const event = await this.ds.getRepository(WecomEvent).findOneByOrFail({ id });
    try {
      await this.handle(parseWecomXml(event.payload));
      await this.ds
        .getRepository(WecomEvent)
        .update({ id }, { status: "done", error: null, processedAt: this.clock.now() });
      return "done";
    } catch (err) {
      this.log.error({ err, eventId: id, event: event.event, changeType: event.changeType }, "WeCom event failed");
      await this.ds
        .getRepository(WecomEvent)
        .update({ id }, { status: "failed", error: (err as Error).message?.slice(0, 2000) ?? String(err) });
      return "failed";
    }
  }

  /** Picks up what a crash or a failure left behind (run by a scheduled job). */
  async processBacklog(limit = 200): Promise<number> {
    const stuck = new Date(this.clock.now().getTime() - STUCK_AFTER_MS);
    const rows = await this.ds.getRepository(WecomEvent).find({
      select: { id: true },
      where: [
        { status: In(["received", "failed"]), attempts: LessThan(MAX_ATTEMPTS) },
        { status: "processing", processedAt: LessThan(stuck), attempts: LessThan(MAX_ATTEMPTS) },
      ],
      order: { id: "ASC" },
      take: limit,
    });
    let done = 0;
    for (const r of rows) if ((await this.process(r.id)) === "done") done++;
    return done;
  }
}
