import type { DataSource } from "typeorm";
import { execute, num, placeholders, readTime, sqlTime } from "../../db/dialect.ts";
import { NotFoundError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import { addDays, businessDay, DAY_MS, daysBetween } from "./business-day.ts";
import type {
  AlertListQuery,
  AlertListResponse,
  GroupAlertView,
  GroupDetailResponse,
  GroupHealthView,
  GroupListItem,
  GroupListQuery,
  GroupListResponse,
  GroupMemberView,
  HealthBand,
  WecomOwnerSummary,
  WecomStatRow,
  WecomStatsQuery,
} from "./groups.schemas.ts";

type Row = Record<string, unknown>;
const iso = (v: unknown) => readTime(v)?.toISOString() ?? null;
const str = (v: unknown) => (v === null || v === undefined ? null : String(v));
/** the days of the trend on a group's page */
export const TREND_DAYS = 60;

const SORTS: Record<string, string> = {
  name: "g.name",
  members: "g.member_count",
  active7d: "active7",
  active30d: "active30",
  messages7d: "messages7",
  messages30d: "messages30",
  health: "COALESCE(h.score, -1)",
  alerts: "open_alerts",
};

export function healthBand(score: number): HealthBand {
  return score >= 70 ? "good" : score >= 40 ? "fair" : "poor";
}

/**
 * The groups pages of the admin center: the list with the bot's figures and health, a group's page
 * (trend per source, members, alerts, group-post campaigns), alerts, and WeCom's per-owner figures.
 * Store managers see the groups whose owner works in one of their stores, others answer 404.
 */
export class GroupsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /** `g.`-condition limiting groups to the user's scope. */
  private scope(user: UserView): { sql: string; params: unknown[] } {
    if (user.role !== "store_manager") return { sql: "1 = 1", params: [] };
    const stores = user.storeIds.length ? user.storeIds : [0];
    return {
      sql: `g.owner_staff_id IN (SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${placeholders(stores.length)}))`,
      params: stores,
    };
  }

  private windows(now: Date) {
    const to = addDays(businessDay(now), -1);
    return {
      to,
      from7d: addDays(to, -6),
      from30d: addDays(to, -29),
      t7: sqlTime(new Date(now.getTime() - 7 * DAY_MS)),
      t30: sqlTime(new Date(now.getTime() - 30 * DAY_MS)),
      at: sqlTime(now),
    };
  }

  /** The figures of each group (bot source), joined to a group query aliased `g`. */
  private figuresJoin(w: ReturnType<GroupsService["windows"]>): { sql: string; params: unknown[] } {
    return {
      sql: `
        LEFT JOIN staff s ON s.id = g.owner_staff_id
        LEFT JOIN (SELECT d.group_id,
                          SUM(CASE WHEN d.day >= ? THEN d.messages ELSE 0 END) AS messages7,
                          SUM(d.messages) AS messages30
                     FROM group_activity_daily d
                    WHERE d.source = 'bot' AND d.day >= ? AND d.day <= ?
                    GROUP BY d.group_id) a ON a.group_id = g.id
        LEFT JOIN (SELECT m.group_id,
                          SUM(CASE WHEN m.last_message_at > ? AND m.last_message_at <= ? THEN 1 ELSE 0 END) AS active7,
                          SUM(CASE WHEN m.last_message_at > ? AND m.last_message_at <= ? THEN 1 ELSE 0 END) AS active30
                     FROM group_members m WHERE m.left_at IS NULL
                    GROUP BY m.group_id) m ON m.group_id = g.id
        LEFT JOIN group_health h ON h.group_id = g.id
        LEFT JOIN (SELECT al.group_id, COUNT(*) AS n FROM group_alerts al WHERE al.status = 'open'
                    GROUP BY al.group_id) al ON al.group_id = g.id`,
      params: [w.from7d, w.from30d, w.to, w.t7, w.at, w.t30, w.at],
    };
  }

  private static readonly FIGURE_COLUMNS = `g.id, g.chat_id, g.name, g.status, g.owner_userid, g.owner_staff_id, s.name AS owner_name,
    g.member_count, COALESCE(a.messages7, 0) AS messages7, COALESCE(a.messages30, 0) AS messages30,
    COALESCE(m.active7, 0) AS active7, COALESCE(m.active30, 0) AS active30, COALESCE(al.n, 0) AS open_alerts,
    h.score, h.activity_score, h.growth_score, h.churn_score, h.members7d_ago, h.members30d_ago, h.joins30d,
    h.leaves7d, h.leaves30d, h.computed_at`;

  async list(q: GroupListQuery, user: UserView): Promise<GroupListResponse> {
    const w = this.windows(this.clock.now());
    const join = this.figuresJoin(w);
    const conds: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, ...p: unknown[]) => {
      conds.push(sql);
      params.push(...p);
    };
    const scope = this.scope(user);
    add(scope.sql, ...scope.params);
    if (q.status !== "all") add("g.status = ?", q.status);
    // "!" escapes LIKE wildcards on both databases (a backslash is read differently by each)
    if (q.q) add("(g.name LIKE ? ESCAPE '!' OR g.chat_id = ?)", `%${q.q.replace(/[!%_]/g, (c) => "!" + c)}%`, q.q);
    if (q.store?.length)
      add(
        `g.owner_staff_id IN (SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${placeholders(q.store.length)}))`,
        ...q.store,
      );
    if (q.owner?.length) add(`g.owner_userid IN (${placeholders(q.owner.length)})`, ...q.owner);
    if (q.health?.length) {
      const bands = q.health.map((b) =>
        b === "good"
          ? "h.score >= 70"
          : b === "fair"
            ? "(h.score >= 40 AND h.score < 70)"
            : b === "poor"
              ? "h.score < 40"
              : "h.score IS NULL",
      );
      add(`(${bands.join(" OR ")})`);
    }
    if (q.alert === "open") add("COALESCE(al.n, 0) > 0");
    else if (q.alert)
      add(
        "EXISTS (SELECT 1 FROM group_alerts x WHERE x.group_id = g.id AND x.status = 'open' AND x.kind = ?)",
        q.alert,
      );
    const from = `FROM customer_groups g ${join.sql} WHERE ${conds.join(" AND ")}`;
    const all = [...join.params, ...params];
    const total = num((await this.ds.query(`SELECT COUNT(*) AS n ${from}`, all))[0]?.n);
    const desc = q.sort.startsWith("-");
    const key = SORTS[q.sort.replace(/^-/, "")]!;
    const rows: Row[] = await this.ds.query(
      `SELECT ${GroupsService.FIGURE_COLUMNS} ${from}
        ORDER BY ${key} ${desc ? "DESC" : "ASC"}, g.id ASC LIMIT ${q.pageSize} OFFSET ${(q.page - 1) * q.pageSize}`,
      all,
    );
    const items = rows.map((r) => this.listItem(r));
    const owners = [...new Set(items.map((i) => i.owner.userid))];
    return {
      items,
      page: q.page,
      pageSize: q.pageSize,
      total,
      windows: { from7d: w.from7d, from30d: w.from30d, to: w.to },
      wecom: await this.ownerSummaries(owners, w),
    };
  }

  private listItem(r: Row): GroupListItem {
    return {
      id: num(r.id),
      chatId: String(r.chat_id),
      name: String(r.name),
      status: r.status as GroupListItem["status"],
      owner: {
        userid: String(r.owner_userid),
        staffId: r.owner_staff_id == null ? null : num(r.owner_staff_id),
        name: str(r.owner_name),
      },
      members: num(r.member_count),
      activeMembers7d: num(r.active7),
      activeMembers30d: num(r.active30),
      messages7d: num(r.messages7),
      messages30d: num(r.messages30),
      health: this.health(r),
      openAlerts: num(r.open_alerts),
    };
  }

  private health(r: Row): GroupHealthView | null {
    if (r.score === null || r.score === undefined) return null;
    return {
      score: num(r.score),
      band: healthBand(num(r.score)),
      activity: num(r.activity_score),
      growth: num(r.growth_score),
      churn: num(r.churn_score),
      members7dAgo: num(r.members7d_ago),
      members30dAgo: num(r.members30d_ago),
      joins30d: num(r.joins30d),
      leaves7d: num(r.leaves7d),
      leaves30d: num(r.leaves30d),
      computedAt: iso(r.computed_at)!,
    };
  }

  /** WeCom's figures per owner over the same windows (days WeCom reported; the latest day's totals). */
  private async ownerSummaries(
    owners: string[],
    w: ReturnType<GroupsService["windows"]>,
  ): Promise<WecomOwnerSummary[]> {
    if (!owners.length) return [];
    const rows: Row[] = await this.ds.query(
      `SELECT o.owner_userid, MAX(s.name) AS owner_name, MAX(o.day) AS latest,
              SUM(CASE WHEN o.day >= ? THEN o.msg_total ELSE 0 END) AS msg7, SUM(o.msg_total) AS msg30,
              SUM(o.new_member_cnt) AS new30
         FROM group_owner_stats_daily o LEFT JOIN staff s ON s.userid = o.owner_userid
        WHERE o.owner_userid IN (${placeholders(owners.length)}) AND o.day >= ? AND o.day <= ?
        GROUP BY o.owner_userid ORDER BY o.owner_userid`,
      [w.from7d, ...owners, w.from30d, w.to],
    );
    const out: WecomOwnerSummary[] = [];
    for (const r of rows) {
      const [latest] = (await this.ds.query(
        "SELECT chat_total, member_total FROM group_owner_stats_daily WHERE owner_userid = ? AND day = ?",
        [r.owner_userid, r.latest],
      )) as Row[];
      out.push({
        source: "wecom",
        ownerUserid: String(r.owner_userid),
        ownerName: str(r.owner_name),
        latestDay: str(r.latest),
        chatTotal: num(latest?.chat_total),
        memberTotal: num(latest?.member_total),
        msgTotal7d: num(r.msg7),
        msgTotal30d: num(r.msg30),
        newMemberCnt30d: num(r.new30),
      });
    }
    return out;
  }

  /** One group's page; 404 outside the user's scope. */
  async detail(id: number, user: UserView): Promise<GroupDetailResponse> {
    const now = this.clock.now();
    const w = this.windows(now);
    const join = this.figuresJoin(w);
    const scope = this.scope(user);
    const [r] = (await this.ds.query(
      `SELECT ${GroupsService.FIGURE_COLUMNS}, g.notice, g.wecom_created_at, g.synced_at, g.dismissed_at
         FROM customer_groups g ${join.sql} WHERE g.id = ? AND ${scope.sql}`,
      [...join.params, id, ...scope.params],
    )) as Row[];
    if (!r) throw new NotFoundError("No such group");
    const item = this.listItem(r);
    const stores: Row[] = item.owner.staffId
      ? await this.ds.query(
          "SELECT st.id, st.name FROM staff_stores ss JOIN stores st ON st.id = ss.store_id WHERE ss.staff_id = ? ORDER BY st.id",
          [item.owner.staffId],
        )
      : [];
    const members: Row[] = await this.ds.query(
      `SELECT id, member_id, member_type, name, group_nickname, customer_id, staff_id, is_admin, joined_at, left_at,
              last_message_at, message_count
         FROM group_members WHERE group_id = ?
        ORDER BY CASE WHEN left_at IS NULL THEN 0 ELSE 1 END, message_count DESC, id`,
      [id],
    );
    const campaigns: Row[] = await this.ds.query(
      `SELECT c.id, c.name, c.status, c.start_at, c.deadline_at, t.status AS target_status, t.sent_at
         FROM targets t JOIN campaigns c ON c.id = t.campaign_id
        WHERE t.group_id = ? AND c.channel = 'group_post' ORDER BY c.start_at DESC, c.id DESC`,
      [id],
    );
    return {
      group: {
        id: item.id,
        chatId: item.chatId,
        name: item.name,
        status: item.status,
        notice: str(r.notice),
        owner: item.owner,
        stores: stores.map((s) => ({ id: num(s.id), name: String(s.name) })),
        memberCount: item.members,
        wecomCreatedAt: iso(r.wecom_created_at),
        syncedAt: iso(r.synced_at),
        dismissedAt: iso(r.dismissed_at),
      },
      summary: {
        members: item.members,
        activeMembers7d: item.activeMembers7d,
        activeMembers30d: item.activeMembers30d,
        messages7d: item.messages7d,
        messages30d: item.messages30d,
      },
      health: item.health,
      trend: await this.trend(id, item.owner.userid, w.to),
      members: members.map((m): GroupMemberView => ({
        id: num(m.id),
        memberId: String(m.member_id),
        memberType: num(m.member_type),
        name: str(m.name),
        groupNickname: str(m.group_nickname),
        customerId: m.customer_id == null ? null : num(m.customer_id),
        staffId: m.staff_id == null ? null : num(m.staff_id),
        isAdmin: Boolean(num(m.is_admin)),
        joinedAt: iso(m.joined_at),
        leftAt: iso(m.left_at),
        lastMessageAt: iso(m.last_message_at),
        messageCount: num(m.message_count),
      })),
      alerts: (await this.alertRows("a.group_id = ?", [id], "a.id DESC", TREND_DAYS, 0)).map((a) => this.alertView(a)),
      campaigns: campaigns.map((c) => ({
        id: num(c.id),
        name: String(c.name),
        status: String(c.status),
        startAt: iso(c.start_at)!,
        deadlineAt: iso(c.deadline_at)!,
        targetStatus: String(c.target_status),
        sentAt: iso(c.sent_at),
      })),
    };
  }

  private async trend(groupId: number, owner: string, to: string): Promise<GroupDetailResponse["trend"]> {
    const from = addDays(to, 1 - TREND_DAYS);
    const days = daysBetween(from, to);
    const index = new Map(days.map((d, i) => [d, i]));
    const blank = () => days.map((): number | null => null);
    const bot = {
      source: "bot" as const,
      messages: blank(),
      activeMembers: blank(),
      joins: blank(),
      leaves: blank(),
      memberTotal: blank(),
    };
    for (const r of (await this.ds.query(
      `SELECT day, messages, active_members, joins, leaves, member_total FROM group_activity_daily
        WHERE group_id = ? AND source = 'bot' AND day >= ? AND day <= ?`,
      [groupId, from, to],
    )) as Row[]) {
      const i = index.get(String(r.day))!;
      bot.messages[i] = num(r.messages);
      bot.activeMembers[i] = num(r.active_members);
      bot.joins[i] = num(r.joins);
      bot.leaves[i] = num(r.leaves);
      bot.memberTotal[i] = r.member_total == null ? null : num(r.member_total);
    }
    const wecom = {
      source: "wecom" as const,
      scope: "owner" as const,
      ownerUserid: owner,
      msgTotal: blank(),
      memberHasMsg: blank(),
      newMemberCnt: blank(),
      memberTotal: blank(),
      chatTotal: blank(),
    };
    for (const r of (await this.ds.query(
      `SELECT day, msg_total, member_has_msg, new_member_cnt, member_total, chat_total FROM group_owner_stats_daily
        WHERE owner_userid = ? AND day >= ? AND day <= ?`,
      [owner, from, to],
    )) as Row[]) {
      const i = index.get(String(r.day))!;
      wecom.msgTotal[i] = num(r.msg_total);
      wecom.memberHasMsg[i] = num(r.member_has_msg);
      wecom.newMemberCnt[i] = num(r.new_member_cnt);
      wecom.memberTotal[i] = num(r.member_total);
      wecom.chatTotal[i] = num(r.chat_total);
    }
    return { from, to, days, bot, wecom };
  }

  private async alertRows(
    where: string,
    params: unknown[],
    order: string,
    limit: number,
    offset: number,
  ): Promise<Row[]> {
    return this.ds.query(
      `SELECT a.id, a.group_id, g.name AS group_name, g.chat_id, g.owner_userid, s.name AS owner_name, a.kind, a.period,
              a.status, a.notified_at, a.resolved_at, a.resolved_by, a.created_at
         FROM group_alerts a JOIN customer_groups g ON g.id = a.group_id LEFT JOIN staff s ON s.id = g.owner_staff_id
        WHERE ${where} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      params,
    );
  }

  private alertView(a: Row): GroupAlertView {
    return {
      id: num(a.id),
      groupId: num(a.group_id),
      groupName: String(a.group_name),
      chatId: String(a.chat_id),
      ownerUserid: String(a.owner_userid),
      ownerName: str(a.owner_name),
      kind: a.kind as GroupAlertView["kind"],
      period: String(a.period),
      status: a.status as GroupAlertView["status"],
      notifiedAt: iso(a.notified_at),
      resolvedAt: iso(a.resolved_at),
      resolvedBy: str(a.resolved_by),
      createdAt: iso(a.created_at)!,
    };
  }

  async alerts(q: AlertListQuery, user: UserView): Promise<AlertListResponse> {
    const scope = this.scope(user);
    const conds = [scope.sql];
    const params: unknown[] = [...scope.params];
    const add = (cond: string, value: unknown) => {
      conds.push(cond);
      params.push(value);
    };
    if (q.status !== "all") add("a.status = ?", q.status);
    if (q.kind) add("a.kind = ?", q.kind);
    if (q.groupId) add("a.group_id = ?", q.groupId);
    const where = conds.join(" AND ");
    const total = num(
      (
        await this.ds.query(
          `SELECT COUNT(*) AS n FROM group_alerts a JOIN customer_groups g ON g.id = a.group_id WHERE ${where}`,
          params,
        )
      )[0]?.n,
    );
    const rows = await this.alertRows(
      where,
      params,
      "a.created_at DESC, a.id DESC",
      q.pageSize,
      (q.page - 1) * q.pageSize,
    );
    return { items: rows.map((r) => this.alertView(r)), page: q.page, pageSize: q.pageSize, total };
  }

  /** Marks an alert resolved by the user (idempotent); 404 outside the user's scope. */
  async resolveAlert(id: number, user: UserView): Promise<GroupAlertView> {
    const scope = this.scope(user);
    const where = `a.id = ? AND ${scope.sql}`;
    const [found] = await this.alertRows(where, [id, ...scope.params], "a.id", 1, 0);
    if (!found) throw new NotFoundError("No such alert");
    const now = sqlTime(this.clock.now());
    await execute(
      this.ds,
      "UPDATE group_alerts SET status = 'resolved', resolved_at = ?, resolved_by = ?, updated_at = ? WHERE id = ? AND status = 'open'",
      [now, user.username.slice(0, 64), now, id],
    );
    const [after] = await this.alertRows("a.id = ?", [id], "a.id", 1, 0);
    return this.alertView(after!);
  }

  /** WeCom's daily figures per owner (source 'wecom'); default: the 30 days ending yesterday. */
  async wecomStats(q: WecomStatsQuery, user: UserView): Promise<{ from: string; to: string; items: WecomStatRow[] }> {
    const to = q.to ?? addDays(businessDay(this.clock.now()), -1);
    const from = q.from ?? addDays(to, -29);
    const conds = ["o.day >= ?", "o.day <= ?"];
    const params: unknown[] = [from, to];
    if (user.role === "store_manager") {
      const stores = user.storeIds.length ? user.storeIds : [0];
      conds.push(
        `s.id IN (SELECT ss.staff_id FROM staff_stores ss WHERE ss.store_id IN (${placeholders(stores.length)}))`,
      );
      params.push(...stores);
    }
    if (q.owner?.length) {
      conds.push(`o.owner_userid IN (${placeholders(q.owner.length)})`);
      params.push(...q.owner);
    }
    const rows: Row[] = await this.ds.query(
      `SELECT o.*, s.name AS owner_name FROM group_owner_stats_daily o LEFT JOIN staff s ON s.userid = o.owner_userid
        WHERE ${conds.join(" AND ")} ORDER BY o.owner_userid, o.day LIMIT 20000`,
      params,
    );
    return {
      from,
      to,
      items: rows.map((r) => ({
        source: "wecom",
        ownerUserid: String(r.owner_userid),
        ownerName: str(r.owner_name),
        day: String(r.day),
        newChatCnt: num(r.new_chat_cnt),
        chatTotal: num(r.chat_total),
        chatHasMsg: num(r.chat_has_msg),
        newMemberCnt: num(r.new_member_cnt),
        memberTotal: num(r.member_total),
        memberHasMsg: num(r.member_has_msg),
        msgTotal: num(r.msg_total),
      })),
    };
  }

  /** The group id of a chat, for the tag refresh after a callback. */
  async idOfChat(chatId: string): Promise<number | null> {
    const [r] = (await this.ds.query("SELECT id FROM customer_groups WHERE chat_id = ?", [chatId])) as Row[];
    return r ? num(r.id) : null;
  }
}
