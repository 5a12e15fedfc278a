import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { dialectOf, execute, insertIgnore, num, placeholders, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import type { NotificationService } from "../notifications/notification.service.ts";
import { addDays, businessDay, DAY_MS } from "./business-day.ts";
import type { GroupAlertKind } from "./group-health.entity.ts";
import { groupsSql } from "./groups-sql.ts";

/** Alert thresholds (README "Group health"). */
export const SILENT_DAYS = 7;
export const LOSS_SHARE_PCT = 5;

export interface HealthReport {
  groups: number;
  alertsRaised: number;
  alertsResolved: number;
  notified: number;
}

export interface AlertNotifier {
  notifications: Pick<NotificationService, "sendTextCard">;
  publicUrl: string;
}

export const ALERT_TITLES: Record<GroupAlertKind, string> = {
  no_messages_7d: "客户群 7 天无消息",
  member_loss_5pct: "客户群一周流失超过 5% 成员",
};

/**
 * Health score per group and the alerts that follow from the same figures, all as set-based SQL
 * over every active group (formula: README "Group health"). Messages and active members are the
 * bot's (group_activity_daily source 'bot', group_members.last_message_at); joins and leaves come
 * from the member list that callbacks and syncs keep (group_members joined_at / left_at).
 */
export class GroupHealthService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly notifier: AlertNotifier | null,
  ) {}

  async run(): Promise<HealthReport> {
    const now = this.clock.now();
    const groups = await this.compute(now);
    const { raised, resolved } = await this.alerts(now);
    const notified = await this.notify();
    const report = { groups, alertsRaised: raised, alertsResolved: resolved, notified };
    this.log.info(report, "group health computed");
    return report;
  }

  /** Writes every active group's figures and score; drops rows of groups that are gone. */
  async compute(now: Date): Promise<number> {
    const S = groupsSql(this.ds);
    const at = sqlTime(now);
    const t7 = sqlTime(new Date(now.getTime() - 7 * DAY_MS));
    const t30 = sqlTime(new Date(now.getTime() - 30 * DAY_MS));
    // message windows are whole business days ending yesterday
    const yesterday = addDays(businessDay(now), -1);
    const d7 = addDays(yesterday, -6);
    const d30 = addDays(yesterday, -29);
    const present = (t: string) =>
      `(m.joined_at IS NULL OR m.joined_at <= ${t}) AND (m.left_at IS NULL OR m.left_at > ${t})`;
    const columns = [
      "group_id",
      "members",
      "members7d_ago",
      "members30d_ago",
      "active_members7d",
      "active_members30d",
      "messages7d",
      "messages30d",
      "joins30d",
      "leaves7d",
      "leaves30d",
      "last_message_at",
      "computed_at",
    ];
    const select = `
      SELECT g.id AS group_id,
             COALESCE(m.members, 0), COALESCE(m.members7, 0), COALESCE(m.members30, 0),
             COALESCE(m.active7, 0), COALESCE(m.active30, 0),
             COALESCE(a.messages7, 0), COALESCE(a.messages30, 0),
             COALESCE(m.joins30, 0), COALESCE(m.leaves7, 0), COALESCE(m.leaves30, 0),
             m.last_message_at, ? AS computed_at
        FROM customer_groups g
        LEFT JOIN (
          SELECT m.group_id,
                 SUM(CASE WHEN m.left_at IS NULL THEN 1 ELSE 0 END) AS members,
                 SUM(CASE WHEN ${present("?")} THEN 1 ELSE 0 END) AS members7,
                 SUM(CASE WHEN ${present("?")} THEN 1 ELSE 0 END) AS members30,
                 SUM(CASE WHEN m.left_at IS NULL AND m.last_message_at > ? AND m.last_message_at <= ? THEN 1 ELSE 0 END) AS active7,
                 SUM(CASE WHEN m.left_at IS NULL AND m.last_message_at > ? AND m.last_message_at <= ? THEN 1 ELSE 0 END) AS active30,
                 SUM(CASE WHEN m.joined_at > ? AND m.joined_at <= ? THEN 1 ELSE 0 END) AS joins30,
                 SUM(CASE WHEN ${present("?")} AND m.left_at IS NOT NULL AND m.left_at <= ? THEN 1 ELSE 0 END) AS leaves7,
                 SUM(CASE WHEN m.left_at > ? AND m.left_at <= ? THEN 1 ELSE 0 END) AS leaves30,
                 MAX(m.last_message_at) AS last_message_at
            FROM group_members m
           GROUP BY m.group_id) m ON m.group_id = g.id
        LEFT JOIN (
          SELECT d.group_id,
                 SUM(CASE WHEN d.day >= ? THEN d.messages ELSE 0 END) AS messages7,
                 SUM(d.messages) AS messages30
            FROM group_activity_daily d
           WHERE d.source = 'bot' AND d.day >= ? AND d.day <= ?
           GROUP BY d.group_id) a ON a.group_id = g.id
       WHERE g.status = 'active'`;
    const params = [at, t7, t7, t30, t30, t7, at, t30, at, t30, at, t7, t7, at, t30, at, d7, d30, yesterday];
    await this.ds.transaction(async (em) => {
      await execute(em, S.upsertSelect("group_health", columns, ["group_id"], select), params);
      await execute(
        em,
        "DELETE FROM group_health WHERE group_id NOT IN (SELECT id FROM customer_groups WHERE status = 'active')",
      );
      // scores in integer arithmetic (rounded half up) so both databases give the same numbers
      const base = "CASE WHEN members30d_ago > 0 THEN members30d_ago ELSE 1 END";
      const net = "(joins30d - leaves30d)";
      await execute(
        em,
        `UPDATE group_health SET
           activity_score = CASE WHEN members = 0 THEN 0
                                 WHEN 5 * active_members7d >= members THEN 40
                                 ELSE ${S.div("400 * active_members7d + members", "2 * members")} END,
           growth_score = CASE WHEN 20 * ${net} >= ${base} THEN 30
                               WHEN -20 * ${net} >= ${base} THEN 0
                               ELSE ${S.div(`31 * ${base} + 600 * ${net}`, `2 * ${base}`)} END,
           churn_score = CASE WHEN 5 * leaves30d >= ${base} THEN 0
                              ELSE ${S.div(`61 * ${base} - 300 * leaves30d`, `2 * ${base}`)} END
`,
      );
      await execute(em, "UPDATE group_health SET score = activity_score + growth_score + churn_score");
    });
    return num((await this.ds.query("SELECT COUNT(*) AS n FROM group_health"))[0]?.n);
  }

  /**
   * Raises the alerts the current figures call for, once per (group, kind, period) and never while
   * one of the same kind is still open; resolves silence alerts of groups that spoke again and
   * alerts of groups that are gone.
   */
  async alerts(now: Date): Promise<{ raised: number; resolved: number }> {
    const at = sqlTime(now);
    const period = businessDay(now);
    const silentSince = sqlTime(new Date(now.getTime() - SILENT_DAYS * DAY_MS));
    const noOpen = (kind: GroupAlertKind) =>
      `NOT EXISTS (SELECT 1 FROM group_alerts o WHERE o.group_id = h.group_id AND o.kind = '${kind}' AND o.status = 'open')`;
    // the unique key (group, kind, period) makes a second instance's insert a no-op
    const insert = `${insertIgnore(dialectOf(this.ds))} INTO group_alerts
      (group_id, kind, period, status, details, notified_at, resolved_at, resolved_by, created_at, updated_at)`;
    let raised = 0;
    // silent: the bot follows the group (it has bot activity rows) and nobody spoke for 7 days
    raised += await execute(
      this.ds,
      `${insert}
       SELECT h.group_id, 'no_messages_7d', ?, 'open', NULL, NULL, NULL, NULL, ?, ?
         FROM group_health h JOIN customer_groups g ON g.id = h.group_id
        WHERE h.members > 0 AND h.messages7d = 0
          AND (h.last_message_at IS NULL OR h.last_message_at <= ?)
          AND COALESCE(g.wecom_created_at, g.created_at) <= ?
          AND EXISTS (SELECT 1 FROM group_activity_daily d WHERE d.group_id = h.group_id AND d.source = 'bot')
          AND ${noOpen("no_messages_7d")}`,
      [period, at, at, silentSince, silentSince],
    );
    // losing members: more than 5 % of those present 7 days ago have left since
    raised += await execute(
      this.ds,
      `${insert}
       SELECT h.group_id, 'member_loss_5pct', ?, 'open', NULL, NULL, NULL, NULL, ?, ?
         FROM group_health h
        WHERE h.members7d_ago > 0 AND 100 * h.leaves7d > ${LOSS_SHARE_PCT} * h.members7d_ago
          AND ${noOpen("member_loss_5pct")}`,
      [period, at, at],
    );
    let resolved = await execute(
      this.ds,
      `UPDATE group_alerts SET status = 'resolved', resolved_at = ?, resolved_by = 'system', updated_at = ?
        WHERE status = 'open' AND kind = 'no_messages_7d'
          AND group_id IN (SELECT group_id FROM group_health WHERE messages7d > 0 OR last_message_at > ?)`,
      [at, at, silentSince],
    );
    resolved += await execute(
      this.ds,
      `UPDATE group_alerts SET status = 'resolved', resolved_at = ?, resolved_by = 'system', updated_at = ?
        WHERE status = 'open' AND group_id NOT IN (SELECT id FROM customer_groups WHERE status = 'active')`,
      [at, at],
    );
    return { raised, resolved };
  }

  /** Sends each open alert not yet sent to the group's owner and the managers of the owner's stores. */
  async notify(): Promise<number> {
    if (!this.notifier) return 0;
    const pending: Record<string, unknown>[] = await this.ds.query(
      `SELECT a.id, a.kind, a.group_id, g.name, g.owner_userid, g.owner_staff_id, h.members, h.members7d_ago, h.leaves7d, h.last_message_at
         FROM group_alerts a JOIN customer_groups g ON g.id = a.group_id
         LEFT JOIN group_health h ON h.group_id = a.group_id
        WHERE a.status = 'open' AND a.notified_at IS NULL ORDER BY a.id`,
    );
    let sent = 0;
    for (const a of pending) {
      const kind = a.kind as GroupAlertKind;
      const to = [
        String(a.owner_userid),
        ...(await this.managersOf(a.owner_staff_id == null ? null : num(a.owner_staff_id))),
      ];
      const description =
        kind === "no_messages_7d"
          ? `「${String(a.name)}」已连续 ${SILENT_DAYS} 天没有消息，${num(a.members)} 位成员。`
          : `「${String(a.name)}」近 7 天流失 ${num(a.leaves7d)} 位成员（一周前 ${num(a.members7d_ago)} 位）。`;
      const outcome = await this.notifier.notifications.sendTextCard(
        "alert",
        to.filter(Boolean),
        {
          title: ALERT_TITLES[kind],
          description,
          url: `${this.notifier.publicUrl}/groups/${num(a.group_id)}`,
          btntxt: "查看",
        },
        `group-alert:${num(a.id)}`,
      );
      if (outcome.status !== "failed") sent++;
      await execute(
        this.ds,
        "UPDATE group_alerts SET notified_at = ?, updated_at = ? WHERE id = ? AND notified_at IS NULL",
        [sqlTime(this.clock.now()), sqlTime(this.clock.now()), num(a.id)],
      );
    }
    return sent;
  }

  /** Store managers of the owner's stores: staff marked is_manager, and store_manager users linked to staff. */
  private async managersOf(ownerStaffId: number | null): Promise<string[]> {
    if (ownerStaffId === null) return [];
    const stores = (
      (await this.ds.query("SELECT store_id FROM staff_stores WHERE staff_id = ?", [ownerStaffId])) as {
        store_id: unknown;
      }[]
    ).map((r) => num(r.store_id));
    if (!stores.length) return [];
    const rows: { userid: string }[] = await this.ds.query(
      `SELECT s.userid FROM staff_stores ms JOIN staff s ON s.id = ms.staff_id
        WHERE ms.is_manager <> 0 AND s.status = 'active' AND ms.store_id IN (${placeholders(stores.length)})
       UNION
       SELECT s.userid FROM users u JOIN user_stores us ON us.user_id = u.id JOIN staff s ON s.id = u.staff_id
        WHERE u.role = 'store_manager' AND u.status = 'active' AND s.status = 'active' AND us.store_id IN (${placeholders(stores.length)})`,
      [...stores, ...stores],
    );
    return [...new Set(rows.map((r) => r.userid))].sort();
  }
}
