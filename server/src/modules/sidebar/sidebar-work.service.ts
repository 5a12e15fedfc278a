import type { DataSource } from "typeorm";
import { dialectOf, num, placeholders, readJson, readTime, sqlTime } from "../../db/dialect.ts";
import { NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { CampaignTracking } from "../campaigns/campaign-tracking.ts";
import type { MaterialsService } from "../materials/materials.service.ts";
import type { MaterialContent } from "../materials/material.schemas.ts";
import {
  customerNotesSql,
  customerOutreachSql,
  customerPageLists,
  customerPageParams,
  customerPageSql,
  type PendingTargetRow,
} from "./customer-page.query.ts";

/** Orders and spend shown on the customer page: the last year, like RFM's default window. */
const ORDER_WINDOW_DAYS = 365;
const iso = (v: unknown) => readTime(v)?.toISOString() ?? null;
const opt = (v: unknown) => (v === null || v === undefined ? null : num(v));

export interface PendingTarget {
  targetId: number;
  taskId: number;
  campaignId: number;
  campaign: string;
  channel: string;
  dueAt: string | null;
  materials: { materialId: number; title: string; content: MaterialContent }[];
}

/**
 * What a guide works with in the chat sidebar. Every method takes the signed-in staff member and
 * answers only for customers they follow (active relation) and groups they own or administer;
 * anything else is NotFound, as if it did not exist.
 */
export class SidebarWorkService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly materials: MaterialsService,
    private readonly tracking: CampaignTracking,
  ) {}

  /** The customer id behind an external_userid, if this staff member follows them. */
  async followedCustomer(staffId: number, externalUserid: string): Promise<number> {
    const [row] = await this.ds.query(
      `SELECT c.id FROM customers c JOIN follow_relations f ON f.customer_id = c.id
        WHERE c.external_userid = ? AND f.staff_id = ? AND f.status = 'active'`,
      [externalUserid, staffId],
    );
    if (!row) throw new NotFoundError("No such customer");
    return num(row.id);
  }

  async customerPage(staffId: number, externalUserid: string) {
    const since = sqlTime(new Date(this.clock.now().getTime() - ORDER_WINDOW_DAYS * 86_400_000));
    const [[c], notes, outreach]: Record<string, unknown>[][] = await Promise.all([
      this.ds.query(customerPageSql(dialectOf(this.ds)), customerPageParams(staffId, externalUserid, since)),
      this.ds.query(customerNotesSql, [externalUserid, staffId]),
      this.ds.query(customerOutreachSql, [externalUserid, staffId]),
    ]);
    if (!c) throw new NotFoundError("No such customer");
    const id = num(c.id);
    const { lastOrder: last, orderWindow: window, groups, tags, pending } = customerPageLists(c);
    return {
      customer: {
        id,
        externalUserid: c.external_userid,
        name: c.name,
        avatar: c.avatar,
        gender: num(c.gender),
        remark: c.remark,
        addedAt: iso(c.added_at),
        channel: c.state,
      },
      rfm: c.lifecycle
        ? {
            segment: c.segment,
            lifecycle: c.lifecycle,
            rScore: opt(c.r_score),
            fScore: opt(c.f_score),
            mScore: opt(c.m_score),
            recencyDays: opt(c.recency_days),
            frequency: opt(c.frequency),
            monetaryCents: opt(c.monetary_cents),
          }
        : {
            segment: null,
            lifecycle: "prospect",
            rScore: null,
            fScore: null,
            mScore: null,
            recencyDays: null,
            frequency: null,
            monetaryCents: null,
          },
      lastOrder: last
        ? { orderNo: last.order_no, paidAt: iso(last.paid_at), netCents: num(last.net), storeCode: last.store_code }
        : null,
      orderWindow: { days: ORDER_WINDOW_DAYS, orders: num(window?.n), netCents: num(window?.net) },
      groups: groups.map((g) => ({ chatId: g.chat_id, name: g.name })),
      tags: tags.map((t) => ({
        id: num(t.id),
        name: t.name,
        source: t.source,
        editable: t.source === "manual",
      })),
      notes: notes.map((n) => ({
        id: num(n.id),
        body: n.body,
        author: n.author,
        createdAt: iso(n.created_at),
      })),
      outreach: outreach.map((o) => ({
        campaign: o.campaign,
        channel: o.channel,
        status: o.status,
        sentAt: iso(o.sent_at),
        reason: o.reason,
      })),
      pendingTargets: await this.withMaterials(pending, staffId, id),
    };
  }

  /** This staff member's pending targets for a group, with their materials rendered. */
  async pendingGroupTargets(staffId: number, groupId: number): Promise<PendingTarget[]> {
    const rows: PendingTargetRow[] = await this.ds.query(
      `SELECT t.id, t.task_id, t.variant, ca.id AS campaign_id, ca.name, ca.channel, k.due_at
         FROM targets t JOIN tasks k ON k.id = t.task_id JOIN campaigns ca ON ca.id = t.campaign_id
        WHERE k.staff_id = ? AND t.status = 'pending' AND ca.status = 'running' AND t.group_id = ?
        ORDER BY k.due_at, t.id`,
      [staffId, groupId],
    );
    return this.withMaterials(rows, staffId, null);
  }

  /** Pending targets of one customer (or of groups: null) with the materials their variant sends, rendered. */
  private async withMaterials(
    rows: PendingTargetRow[],
    staffId: number,
    customerId: number | null,
  ): Promise<PendingTarget[]> {
    if (!rows.length) return [];
    const campaignIds = [...new Set(rows.map((r) => num(r.campaign_id)))];
    const specs = new Map<number, { variant?: string; materialId: number }[]>(
      (
        await this.ds.query(
          `SELECT id, materials FROM campaigns WHERE id IN (${placeholders(campaignIds.length)})`,
          campaignIds,
        )
      ).map((c: Record<string, unknown>) => [num(c.id), readJson(c.materials) ?? []]),
    );
    const chosen = rows.map((r) =>
      (specs.get(num(r.campaign_id)) ?? []).filter((m) => !r.variant || !m.variant || m.variant === r.variant),
    );
    const rendered = await this.materials.renderMany(
      chosen.flatMap((specs) => specs.map((m) => m.materialId)),
      customerId,
      staffId,
    );
    return rows.map((r, i) => ({
      targetId: num(r.id),
      taskId: num(r.task_id),
      campaignId: num(r.campaign_id),
      campaign: String(r.name),
      channel: String(r.channel),
      dueAt: iso(r.due_at),
      materials: chosen[i]!.map((m) => {
        const material = rendered.get(m.materialId);
        if (!material) throw new NotFoundError("No such material");
        return { materialId: m.materialId, title: material.title, content: material.content };
      }),
    }));
  }

  async addNote(staffId: number, externalUserid: string, body: string) {
    const id = await this.followedCustomer(staffId, externalUserid);
    const text = body.trim();
    if (!text) throw new ValidationError("A note needs text", [{ field: "body", reason: "is required" }]);
    await this.ds.query(
      "INSERT INTO customer_notes (customer_id, staff_id, user_id, body, created_at) VALUES (?, ?, NULL, ?, ?)",
      [id, staffId, text.slice(0, 2000), sqlTime(this.clock.now())],
    );
  }

  /** Open tasks (overdue first, then by due time) and recently finished ones. */
  async tasks(staffId: number) {
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT k.id, k.status, k.due_at, k.targets_total, k.targets_pending, ca.id AS campaign_id, ca.name, ca.channel, ca.goal
         FROM tasks k JOIN campaigns ca ON ca.id = k.campaign_id
        WHERE k.staff_id = ? AND ca.status IN ('running', 'paused', 'finished')
        ORDER BY CASE k.status WHEN 'overdue' THEN 0 WHEN 'open' THEN 1 ELSE 2 END, k.due_at, k.id`,
      [staffId],
    );
    const view = (r: Record<string, unknown>) => ({
      id: num(r.id),
      status: String(r.status),
      dueAt: iso(r.due_at),
      total: num(r.targets_total),
      pending: num(r.targets_pending),
      done: num(r.targets_total) - num(r.targets_pending),
      campaign: { id: num(r.campaign_id), name: r.name, channel: r.channel, goal: r.goal },
    });
    return {
      open: rows.filter((r) => r.status !== "done").map(view),
      done: rows
        .filter((r) => r.status === "done")
        .slice(0, 50)
        .map(view),
    };
  }

  async taskTargets(staffId: number, taskId: number, status?: string) {
    const [task] = await this.ds.query("SELECT id FROM tasks WHERE id = ? AND staff_id = ?", [taskId, staffId]);
    if (!task) throw new NotFoundError("No such task");
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT t.id, t.status, t.sent_at, t.reason, c.external_userid, c.name, f.remark, g.chat_id, g.name AS group_name
         FROM targets t LEFT JOIN customers c ON c.id = t.customer_id
         LEFT JOIN follow_relations f ON f.customer_id = c.id AND f.staff_id = ?
         LEFT JOIN customer_groups g ON g.id = t.group_id
        WHERE t.task_id = ?${status ? " AND t.status = ?" : ""} ORDER BY t.status = 'pending' DESC, t.id`,
      status ? [staffId, taskId, status] : [staffId, taskId],
    );
    return rows.map((r) => ({
      id: num(r.id),
      status: r.status,
      sentAt: iso(r.sent_at),
      reason: r.reason,
      customer: r.external_userid ? { externalUserid: r.external_userid, name: r.remark || r.name } : null,
      group: r.chat_id ? { chatId: r.chat_id, name: r.group_name } : null,
    }));
  }

  /** After WeCom confirmed the send (sendChatMessage answered ok): the target becomes sent. */
  async markSent(staffId: number, targetId: number, materialIds: number[]): Promise<void> {
    await this.tracking.markSent(targetId, staffId);
    for (const id of materialIds) await this.materials.countUse(id);
    await this.ds.query(
      `UPDATE follow_relations SET last_contacted_at = ? WHERE staff_id = ? AND customer_id = (SELECT customer_id FROM targets WHERE id = ?)`,
      [sqlTime(this.clock.now()), staffId, targetId],
    );
  }

  skip(staffId: number, targetId: number, reason: string): Promise<void> {
    return this.tracking.skip(targetId, staffId, reason);
  }

  /** A material rendered for a customer this staff member follows (or without a customer). */
  async renderMaterial(staffId: number, materialId: number, externalUserid?: string) {
    const customerId = externalUserid ? await this.followedCustomer(staffId, externalUserid) : null;
    return this.materials.render(materialId, customerId, staffId);
  }

  /** A group this staff member owns or administers: members, activity and pending group posts. */
  async groupPage(staffId: number, chatId: string) {
    const [g] = await this.ds.query(
      `SELECT g.id, g.chat_id, g.name, g.notice, g.member_count, g.owner_staff_id FROM customer_groups g
        WHERE g.chat_id = ? AND g.status = 'active' AND (g.owner_staff_id = ? OR EXISTS (
          SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.staff_id = ? AND m.is_admin = 1 AND m.left_at IS NULL))`,
      [chatId, staffId, staffId],
    );
    if (!g) throw new NotFoundError("No such group");
    const groupId = num(g.id);
    const weekAgo = sqlTime(new Date(this.clock.now().getTime() - 7 * 86_400_000));
    const members = await this.ds.query(
      `SELECT m.member_id, m.member_type, COALESCE(m.group_nickname, m.name, c.name) AS name, m.joined_at, m.last_message_at, m.message_count
         FROM group_members m LEFT JOIN customers c ON c.id = m.customer_id
        WHERE m.group_id = ? AND m.left_at IS NULL ORDER BY m.message_count DESC, m.id LIMIT 500`,
      [groupId],
    );
    const [stats] = await this.ds.query(
      `SELECT SUM(CASE WHEN last_message_at > ? THEN 1 ELSE 0 END) AS active7,
              SUM(CASE WHEN joined_at > ? THEN 1 ELSE 0 END) AS joined7,
              (SELECT COUNT(*) FROM group_members WHERE group_id = ? AND left_at > ?) AS left7
         FROM group_members WHERE group_id = ? AND left_at IS NULL`,
      [weekAgo, weekAgo, groupId, weekAgo, groupId],
    );
    const days = await this.ds.query(
      `SELECT day, messages, active_members, joins, leaves FROM group_activity_daily
        WHERE group_id = ? AND source = 'bot' ORDER BY day DESC LIMIT 30`,
      [groupId],
    );
    return {
      group: {
        chatId: g.chat_id,
        name: g.name,
        notice: g.notice,
        memberCount: num(g.member_count),
        isOwner: num(g.owner_staff_id) === staffId,
      },
      activity: {
        activeMembers7d: num(stats?.active7),
        joined7d: num(stats?.joined7),
        left7d: num(stats?.left7),
        days: days.reverse().map((d: Record<string, unknown>) => ({
          day: d.day,
          messages: num(d.messages),
          activeMembers: num(d.active_members),
          joins: num(d.joins),
          leaves: num(d.leaves),
        })),
      },
      members: members.map((m: Record<string, unknown>) => ({
        memberId: m.member_id,
        isStaff: num(m.member_type) === 1,
        name: m.name,
        joinedAt: iso(m.joined_at),
        lastMessageAt: iso(m.last_message_at),
        messages: num(m.message_count),
      })),
      pendingTargets: await this.pendingGroupTargets(staffId, groupId),
    };
  }
}
