import { z } from "zod";
import type { ApiContext, ApiTable } from "../api.ts";
import { invalidParam, parseBody, WecomError } from "../errors.ts";
import { groupDayKey, type SimGroup, type SimState } from "../model.ts";
import { pageOf } from "../paging.ts";
import { DAY_SECONDS, dayStart } from "../state.ts";

/** Customer groups (wecom.md §4): list, detail and the owner/day statistics. */
export function groupRoutes(): ApiTable {
  return {
    "externalcontact/groupchat/list": {
      method: "POST",
      handle: ({ state, body }) => listGroups(state, parseBody(listSchema, body)),
    },
    "externalcontact/groupchat/get": {
      method: "POST",
      handle: ({ state, body }) => ({ group_chat: groupDetail(state, parseBody(getSchema, body)) }),
    },
    "externalcontact/groupchat/statistic": {
      method: "POST",
      handle: (c) => statisticByOwner(c, parseBody(statisticSchema, c.body)),
    },
    "externalcontact/groupchat/statistic_group_by_day": {
      method: "POST",
      handle: (c) => statisticByDay(c, parseBody(byDaySchema, c.body)),
    },
  };
}

const ownerFilter = z
  .object({
    userid_list: z.array(z.string()).max(100, "owner_filter.userid_list holds at most 100 userids").optional(),
  })
  .optional();
const listSchema = z.object({
  status_filter: z.number().int().min(0).max(3).optional(),
  owner_filter: ownerFilter,
  cursor: z.string().optional(),
  limit: z.number({ error: "limit is required" }).int().min(1, "limit is 1..1000").max(1000, "limit is 1..1000"),
});
const getSchema = z.object({
  chat_id: z.string().min(1, "chat_id is required"),
  need_name: z.number().int().optional(),
});
const byDaySchema = z.object({
  day_begin_time: z.number({ error: "day_begin_time is required" }).int().positive(),
  day_end_time: z.number().int().positive().optional(),
  owner_filter: ownerFilter,
});
const statisticSchema = byDaySchema.extend({
  order_by: z.number().int().min(1).max(4).optional(),
  order_asc: z.number().int().min(0).max(1).optional(),
  offset: z.number().int().min(0).optional(),
  limit: z.number().int().min(1, "limit is 1..1000").max(1000, "limit is 1..1000").optional(),
});

/** Owners named by the filter, or everyone with 客户联系 (81017 beyond 1000 people, wecom.md §4.1). */
function owners(state: SimState, filter: z.infer<typeof ownerFilter>): Set<string> {
  if (filter?.userid_list?.length) return new Set(filter.userid_list);
  const all = [...state.staff.values()].filter((m) => m.customerContact).map((m) => m.userid);
  if (all.length > 1000) throw new WecomError(81017, "too many users: pass owner_filter");
  return new Set(all);
}

function listGroups(state: SimState, req: z.infer<typeof listSchema>) {
  const who = owners(state, req.owner_filter);
  const status = req.status_filter ?? 0;
  const chats = [...state.groups.values()].filter(
    (g) => !g.dismissed && who.has(g.owner) && (status === 0 || g.status === status),
  );
  const { page, next_cursor } = pageOf(chats, req.cursor, req.limit);
  return { group_chat_list: page.map((g) => ({ chat_id: g.chat_id, status: g.status })), next_cursor };
}

function groupDetail(state: SimState, req: z.infer<typeof getSchema>) {
  const g = state.groups.get(req.chat_id);
  if (!g || g.dismissed) throw new WecomError(86003, "chatid not exist");
  return {
    chat_id: g.chat_id,
    name: g.name,
    owner: g.owner,
    create_time: g.create_time,
    notice: g.notice ?? "",
    member_list: g.members.map((m) => ({
      userid: m.userid,
      type: m.type,
      ...(m.unionid ? { unionid: m.unionid } : {}),
      join_time: m.join_time,
      join_scene: m.join_scene,
      ...(m.invitor ? { invitor: { userid: m.invitor } } : {}),
      group_nickname: m.group_nickname ?? "",
      ...(req.need_name === 1 ? { name: m.name ?? "" } : {}),
      ...(m.state ? { state: m.state } : {}),
    })),
    admin_list: g.admins.map((userid) => ({ userid })),
    member_version: g.member_version,
  };
}

const RETENTION_DAYS = 180;
const MAX_SPAN_DAYS = 30;

/** Floors both ends to 00:00 (UTC+8) and enforces the documented span and retention. */
function dayRange(c: ApiContext, req: { day_begin_time: number; day_end_time?: number }) {
  const begin = dayStart(req.day_begin_time);
  const end = dayStart(req.day_end_time ?? req.day_begin_time);
  if (end < begin) throw invalidParam("day_end_time is before day_begin_time");
  if ((end - begin) / DAY_SECONDS + 1 > MAX_SPAN_DAYS) throw invalidParam(`the range exceeds ${MAX_SPAN_DAYS} days`);
  if (begin < dayStart(Math.floor(c.now() / 1000)) - RETENTION_DAYS * DAY_SECONDS)
    throw invalidParam(`data is kept ${RETENTION_DAYS} days`);
  return { begin, end };
}

/**
 * The eight figures over [begin, end's day]: counts of new chats/members and messages add up over
 * the days; totals are as of the last day; a chat "has messages" if it had any in the range, and its
 * speakers count with the busiest day's figure. Dismissed chats drop out of the totals.
 */
function figures(state: SimState, groups: SimGroup[], begin: number, end: number) {
  const until = end + DAY_SECONDS;
  const f = {
    new_chat_cnt: 0,
    chat_total: 0,
    chat_has_msg: 0,
    new_member_cnt: 0,
    member_total: 0,
    member_has_msg: 0,
    msg_total: 0,
  };
  for (const g of groups) {
    if (g.create_time >= until) continue;
    if (g.create_time >= begin) f.new_chat_cnt += 1;
    if (!g.dismissed) {
      f.chat_total += 1;
      f.member_total += g.members.filter((m) => m.join_time < until).length;
    }
    f.new_member_cnt += g.members.filter((m) => m.join_time >= begin && m.join_time < until).length;
    let msgs = 0;
    let speakers = 0;
    for (let d = begin; d <= end; d += DAY_SECONDS) {
      const s = state.groupDayStats.get(groupDayKey(g.chat_id, d));
      if (s) {
        msgs += s.msg_cnt;
        speakers = Math.max(speakers, s.member_has_msg);
      }
    }
    if (msgs > 0) {
      f.chat_has_msg += 1;
      f.member_has_msg += speakers;
      f.msg_total += msgs;
    }
  }
  return f;
}

const ORDER_FIELDS = ["new_chat_cnt", "chat_total", "new_member_cnt", "member_total"] as const;

function statisticByOwner(c: ApiContext, req: z.infer<typeof statisticSchema>) {
  const { begin, end } = dayRange(c, req);
  const groups = [...c.state.groups.values()];
  const items = [...owners(c.state, req.owner_filter)]
    .filter((u) => c.state.staff.has(u))
    .map((owner) => ({
      owner,
      data: figures(
        c.state,
        groups.filter((g) => g.owner === owner),
        begin,
        end,
      ),
    }));
  const key = ORDER_FIELDS[(req.order_by ?? 1) - 1]!;
  const sign = req.order_asc === 1 ? 1 : -1;
  items.sort((a, b) => sign * (a.data[key] - b.data[key]));
  const offset = req.offset ?? 0;
  const page = items.slice(offset, offset + (req.limit ?? 500));
  return { total: items.length, next_offset: offset + page.length, items: page };
}

function statisticByDay(c: ApiContext, req: z.infer<typeof byDaySchema>) {
  const { begin, end } = dayRange(c, req);
  const who = owners(c.state, req.owner_filter);
  const groups = [...c.state.groups.values()].filter((g) => who.has(g.owner));
  const items = [];
  for (let d = begin; d <= end; d += DAY_SECONDS) items.push({ stat_time: d, data: figures(c.state, groups, d, d) });
  return { items };
}
