import type { DataSource } from "typeorm";
import { z } from "zod";
import { num } from "../../db/dialect.ts";
import { ConflictError, NotFoundError } from "../../http/errors.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";

const text = (max: number) => z.string().max(max);
/** The dev bridge's ChatMessage (web-sidebar/src/wecom/types.ts) and the chat it goes into. */
export const devSendSchema = z
  .object({
    externalUserid: z.string().min(1).max(128).optional(),
    chatId: z.string().min(1).max(128).optional(),
    message: z.discriminatedUnion("type", [
      z.object({ type: z.literal("text"), content: text(4000).min(1, "is required") }),
      z.object({ type: z.literal("image"), mediaId: text(256).optional(), imgUrl: text(2048).optional() }),
      z.object({
        type: z.literal("news"),
        title: text(128).min(1, "is required"),
        desc: text(512).default(""),
        link: text(2048).min(1, "is required"),
        imgUrl: text(2048).default(""),
      }),
      z.object({
        type: z.literal("miniprogram"),
        appid: text(64).min(1, "is required"),
        title: text(64).min(1, "is required"),
        imgUrl: text(2048).min(1, "is required"),
        page: text(256).min(1, "is required"),
      }),
    ]),
  })
  .refine((b) => Boolean(b.externalUserid) !== Boolean(b.chatId), {
    message: "exactly one of externalUserid and chatId is required",
    path: ["externalUserid"],
  });
export type DevSendInput = z.infer<typeof devSendSchema>;

export const devChatsQuery = z.object({ q: z.string().trim().max(64).optional() });

/**
 * Simulator mode only: what the dev bridge needs to stand in for the WeCom client's chat toolbar.
 * A send goes through the one WeCom client to the simulator's recording API, so the demo and the
 * tests see each send the way WeCom's client would have made it.
 */
export class DevChatService {
  constructor(
    private readonly ds: DataSource,
    private readonly client: WecomClient,
  ) {}

  async send(staff: { id: number; userid: string }, input: DevSendInput): Promise<{ sendid: string }> {
    if (input.externalUserid) await this.assertFollows(staff.id, input.externalUserid);
    const m = input.message;
    const payload =
      m.type === "text"
        ? { msgtype: "text", text: { content: m.content } }
        : m.type === "image"
          ? { msgtype: "image", image: { mediaid: m.mediaId, imgUrl: m.imgUrl } }
          : m.type === "news"
            ? { msgtype: "news", news: { link: m.link, title: m.title, desc: m.desc, imgUrl: m.imgUrl } }
            : {
                msgtype: "miniprogram",
                miniprogram: { appid: m.appid, title: m.title, imgUrl: m.imgUrl, page: m.page },
              };
    const to = input.externalUserid ? { external_userid: input.externalUserid } : { chat_id: input.chatId };
    try {
      const r = await this.client.call<{ sendid: string }>("sim/chat_toolbar/send", {
        body: { userid: staff.userid, ...to, ...payload },
      });
      return { sendid: r.sendid };
    } catch (err) {
      if (err instanceof WecomError)
        throw new ConflictError(`WeCom refused the send: ${err.errmsg}`, { errcode: err.errcode });
      throw err;
    }
  }

  /** The sends the simulator recorded for this staff member (optionally one chat), oldest first. */
  async sends(staff: { userid: string }, to: { externalUserid?: string; chatId?: string }) {
    const r = await this.client.call<{ sends: Record<string, unknown>[] }>("sim/chat_toolbar/sends", {
      query: { userid: staff.userid, external_userid: to.externalUserid, chat_id: to.chatId },
    });
    return r.sends;
  }

  /** The dev chat picker: this staff member's customers and groups, those with pending work first. */
  async chats(staffId: number, q?: string) {
    const like = q ? `%${q.replace(/[!%_]/g, (c) => `!${c}`)}%` : null;
    const customers: Record<string, unknown>[] = await this.ds.query(
      `SELECT c.external_userid, c.name, f.remark,
              (SELECT COUNT(*) FROM targets t JOIN tasks k ON k.id = t.task_id JOIN campaigns ca ON ca.id = t.campaign_id
                WHERE t.customer_id = c.id AND k.staff_id = f.staff_id AND t.status = 'pending' AND ca.status = 'running') AS pending
         FROM follow_relations f JOIN customers c ON c.id = f.customer_id
        WHERE f.staff_id = ? AND f.status = 'active'${like ? " AND (c.name LIKE ? ESCAPE '!' OR f.remark LIKE ? ESCAPE '!')" : ""}
        ORDER BY pending DESC, c.id LIMIT 30`,
      like ? [staffId, like, like] : [staffId],
    );
    const groups: Record<string, unknown>[] = await this.ds.query(
      `SELECT g.chat_id, g.name, g.member_count,
              (SELECT COUNT(*) FROM targets t JOIN tasks k ON k.id = t.task_id JOIN campaigns ca ON ca.id = t.campaign_id
                WHERE t.group_id = g.id AND k.staff_id = ? AND t.status = 'pending' AND ca.status = 'running') AS pending
         FROM customer_groups g
        WHERE g.status = 'active' AND (g.owner_staff_id = ? OR EXISTS (
          SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.staff_id = ? AND m.is_admin = 1 AND m.left_at IS NULL))
          ${like ? " AND g.name LIKE ? ESCAPE '!'" : ""}
        ORDER BY pending DESC, g.id LIMIT 30`,
      like ? [staffId, staffId, staffId, like] : [staffId, staffId, staffId],
    );
    return {
      customers: customers.map((c) => ({
        externalUserid: String(c.external_userid),
        name: String(c.remark || c.name),
        pending: num(c.pending),
      })),
      groups: groups.map((g) => ({
        chatId: String(g.chat_id),
        name: String(g.name),
        memberCount: num(g.member_count),
        pending: num(g.pending),
      })),
    };
  }

  private async assertFollows(staffId: number, externalUserid: string): Promise<void> {
    const [row] = await this.ds.query(
      `SELECT c.id FROM customers c JOIN follow_relations f ON f.customer_id = c.id
        WHERE c.external_userid = ? AND f.staff_id = ? AND f.status = 'active'`,
      [externalUserid, staffId],
    );
    if (!row) throw new NotFoundError("No such customer");
  }
}
