import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { execute, num, placeholders, readTime, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import type { MaterialsService } from "../materials/materials.service.ts";
import type { MaterialVariant } from "./campaigns.schemas.ts";
import { massSendContent, massSendKey } from "./mass-send-content.ts";
import { massSendRecipients } from "./mass-send-recipients.ts";

/** How far around the timed-out call WeCom's list is searched (its create_time is WeCom's clock). */
const SEARCH_WINDOW_S = 10 * 60;
/** After this long without a match WeCom did not create it (its list is complete by then). */
export const UNCONFIRMED_SETTLE_MS = 10 * 60_000;
/**
 * A row still `creating` this long after its claim belongs to a process that died during the call
 * (a live one gives up within its timeout and retries): as uncertain as a timeout.
 */
export const ABANDONED_CREATING_MS = 10 * 60_000;

export interface ReconcileReport {
  adopted: number;
  requeued: number;
  waiting: number;
}

/**
 * Settles the mass sends whose add_msg_template timed out (status `unconfirmed`), or whose process
 * died during the call (left `creating` for ABANDONED_CREATING_MS): WeCom may have
 * created them before the answer was lost, so creating them again could send twice, and marking
 * them failed could lose them. WeCom's own list (get_groupmsg_list_v2, enterprise sends around the
 * call) is searched for one with the same content (its fingerprint was recorded before the call,
 * so an edit of the material since does not matter) whose task belongs to the same sender
 * (get_groupmsg_task) and whose msgid Siyu does not hold yet:
 * - found: adopted as `created`; results are then read like any other;
 * - not found once UNCONFIRMED_SETTLE_MS has passed: back to `pending`, and the next pass of
 *   createMassSends creates it, once;
 * - WeCom busy (41063, rate limits after retries): left for the next run;
 * - the campaign was cancelled meanwhile: a found one is cancelled in WeCom; either way the row is done.
 * Runs inside the campaigns mass-send job, whose lease keeps it to one instance at a time; every
 * update is conditional on the row still being `unconfirmed`.
 */
export class MassSendReconciler {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly client: WecomClient,
    private readonly materials: MaterialsService,
    private readonly publicUrl: string,
    private readonly log: Logger,
  ) {}

  async run(): Promise<ReconcileReport> {
    const report: ReconcileReport = { adopted: 0, requeued: 0, waiting: 0 };
    // updated_at stays the claim's: WeCom's list is searched around the time of the call
    await execute(
      this.ds,
      "UPDATE campaign_mass_sends SET status = 'unconfirmed', error = ? WHERE status = 'creating' AND updated_at < ?",
      [
        "the process creating it stopped during the call: WeCom may hold it",
        sqlTime(new Date(this.clock.now().getTime() - ABANDONED_CREATING_MS)),
      ],
    );
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT m.id, m.task_id, m.staff_id, m.variant, m.chunk, m.updated_at, m.content_hash, s.userid, k.materials, k.status AS campaign_status
         FROM campaign_mass_sends m JOIN staff s ON s.id = m.staff_id JOIN campaigns k ON k.id = m.campaign_id
        WHERE m.status = 'unconfirmed' ORDER BY m.id`,
    );
    for (const row of rows) {
      try {
        const outcome = await this.settle(row);
        report[outcome]++;
      } catch (err) {
        if (!(err instanceof WecomError)) throw err;
        this.log.warn({ err, massSendId: num(row.id) }, "unconfirmed mass send not settled yet");
        report.waiting++;
      }
    }
    return report;
  }

  private async settle(row: Record<string, unknown>): Promise<keyof ReconcileReport> {
    const id = num(row.id);
    const now = this.clock.now();
    const attempt = readTime(row.updated_at)!;
    const key = row.content_hash ? String(row.content_hash) : await this.renderedKey(row);
    if (!key) return this.requeue(id, now, row);

    const attemptS = Math.floor(attempt.getTime() / 1000);
    const listed = await this.client.listGroupmsg({
      chatType: "single",
      startTime: attemptS - SEARCH_WINDOW_S,
      endTime: Math.min(Math.floor(now.getTime() / 1000), attemptS + SEARCH_WINDOW_S),
      filterType: 0,
    });
    const candidates = listed.filter((item) => !item.creator && massSendKey(item) === key);
    const held = await this.heldMsgids(candidates.map((c) => c.msgid));
    for (const candidate of candidates.filter((c) => !held.has(c.msgid))) {
      const { task_list } = await this.client.getGroupmsgTask(candidate.msgid);
      if (task_list.some((t) => t.userid === String(row.userid))) return this.adopt(row, candidate.msgid, now);
    }
    if (now.getTime() - attempt.getTime() < UNCONFIRMED_SETTLE_MS) return "waiting";
    return this.requeue(id, now, row);
  }

  /** A row claimed before content hashes were recorded: its material as it renders now. */
  private async renderedKey(row: Record<string, unknown>): Promise<string | null> {
    const specs = (typeof row.materials === "string" ? JSON.parse(row.materials) : row.materials) as MaterialVariant[];
    const materialId = specs.find((m) => m.variant === String(row.variant))?.materialId;
    if (!materialId) return null;
    return massSendKey(
      massSendContent(await this.materials.render(materialId, null, num(row.staff_id)), this.publicUrl),
    );
  }

  private async adopt(row: Record<string, unknown>, msgid: string, now: Date): Promise<"adopted" | "waiting"> {
    if (row.campaign_status === "cancelled") {
      // cancelled while unconfirmed: what WeCom holds is cancelled there too, like the campaign's other sends
      await this.client.cancelGroupmsgSend(msgid);
      await this.close(num(row.id), now, msgid);
      return "adopted";
    }
    const taskId = num(row.task_id);
    const recipients = await massSendRecipients(this.ds, taskId, String(row.variant), num(row.chunk));
    const sendable = recipients.filter((r) => r.externalUserid).length;
    // WeCom's fail_list went with the lost answer: recipients it refused show in the send results
    const adopted = await execute(
      this.ds,
      `UPDATE campaign_mass_sends SET status = 'created', msgid = ?, recipients = ?, fail_count = 0, error = NULL, updated_at = ?
        WHERE id = ? AND status = 'unconfirmed'`,
      [msgid, sendable, sqlTime(now), num(row.id)],
    );
    if (!adopted) return "waiting";
    await execute(this.ds, "UPDATE tasks SET wecom_msgid = COALESCE(wecom_msgid, ?), updated_at = ? WHERE id = ?", [
      msgid,
      sqlTime(now),
      taskId,
    ]);
    this.log.info({ massSendId: num(row.id), msgid }, "unconfirmed mass send found in WeCom and adopted");
    return "adopted";
  }

  private async requeue(id: number, now: Date, row: Record<string, unknown>): Promise<"requeued"> {
    if (row.campaign_status === "cancelled") {
      await this.close(id, now, null);
      return "requeued";
    }
    await execute(
      this.ds,
      `UPDATE campaign_mass_sends SET status = 'pending', error = ?, updated_at = ? WHERE id = ? AND status = 'unconfirmed'`,
      ["add_msg_template timed out and WeCom does not list it: created again", sqlTime(now), id],
    );
    this.log.info({ massSendId: id }, "unconfirmed mass send absent from WeCom: queued to be created again");
    return "requeued";
  }

  private async close(id: number, now: Date, msgid: string | null): Promise<void> {
    await execute(
      this.ds,
      "UPDATE campaign_mass_sends SET status = 'done', msgid = ?, error = ?, updated_at = ? WHERE id = ? AND status = 'unconfirmed'",
      [msgid, "campaign cancelled", sqlTime(now), id],
    );
  }

  private async heldMsgids(msgids: string[]): Promise<Set<string>> {
    if (!msgids.length) return new Set();
    const rows: { msgid: string }[] = await this.ds.query(
      `SELECT msgid FROM campaign_mass_sends WHERE msgid IN (${placeholders(msgids.length)})`,
      msgids,
    );
    return new Set(rows.map((r) => r.msgid));
  }
}
