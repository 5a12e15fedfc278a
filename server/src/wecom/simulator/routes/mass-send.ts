import { z } from "zod";
import { checkContent } from "../attachments.ts";
import { nowS, type ApiContext, type ApiTable } from "../api.ts";
import { invalidParam, parseBody, WecomError } from "../errors.ts";
import { followKey, type SimFollow, type SimMassSend, type SimMassSendRow, type SimState } from "../model.ts";
import { clampLimit, pageOf } from "../paging.ts";
import { DAY_SECONDS, dayStart, followsOf, nextId } from "../state.ts";

/** 企业群发 (wecom.md §5): the app creates a task, members confirm in their client, results come back per recipient. */
export function massSendRoutes(): ApiTable {
  return {
    "externalcontact/add_msg_template": { method: "POST", handle: (c) => addTemplate(c) },
    "externalcontact/get_groupmsg_list_v2": { method: "POST", handle: (c) => listTemplates(c) },
    "externalcontact/get_groupmsg_task": {
      method: "POST",
      handle: (c) => {
        const req = parseBody(taskSchema, c.body);
        const t = template(c, "get_groupmsg_task", req.msgid);
        const tasks = [...t.tasks].map(([userid, task]) => ({ userid, ...task }));
        const { page, next_cursor } = pageOf(tasks, req.cursor, clampLimit(req.limit, 500, 1000));
        return { next_cursor, task_list: page };
      },
    },
    "externalcontact/get_groupmsg_send_result": {
      method: "POST",
      handle: (c) => {
        const req = parseBody(resultSchema, c.body);
        if (!req.userid) throw invalidParam("userid is required");
        const t = template(c, "get_groupmsg_send_result", req.msgid);
        // For group sends WeCom lists only the chats actually sent to (wecom.md §5.4).
        const rows = t.rows.filter((r) => r.userid === req.userid && (t.chat_type === "single" || r.status !== 0));
        const { page, next_cursor } = pageOf(rows, req.cursor, clampLimit(req.limit, 500, 1000));
        return { next_cursor, send_list: page.map((r) => ({ ...r })) };
      },
    },
    "externalcontact/remind_groupmsg_send": {
      method: "POST",
      handle: (c) => {
        const t = template(c, "remind_groupmsg_send", parseBody(msgidSchema, c.body).msgid);
        if (t.canceled) throw new WecomError(41093, "mass send task canceled");
        const since = c.now() - DAY_SECONDS * 1000;
        t.reminders = t.reminders.filter((at) => at > since);
        if (t.reminders.length >= 3) throw new WecomError(41094, "remind too frequently");
        t.reminders.push(c.now());
        return {};
      },
    },
    "externalcontact/cancel_groupmsg_send": {
      method: "POST",
      handle: (c) => {
        template(c, "cancel_groupmsg_send", parseBody(msgidSchema, c.body).msgid).canceled = true;
        return {};
      },
    },
  };
}

const msgidSchema = z.object({ msgid: z.string().optional() });
const listSchema = z.object({
  chat_type: z.string().optional(),
  start_time: z.number().int().optional(),
  end_time: z.number().int().optional(),
  creator: z.string().optional(),
  filter_type: z.number().int().optional(),
  limit: z.number().int().optional(),
  cursor: z.string().optional(),
});
const MONTH_SECONDS = 31 * DAY_SECONDS;
const taskSchema = msgidSchema.extend({ limit: z.number().int().optional(), cursor: z.string().optional() });
const resultSchema = taskSchema.extend({ userid: z.string().optional() });
const templateSchema = z.object({
  chat_type: z.string().optional(),
  external_userid: z.array(z.string()).max(10_000, "external_userid holds at most 10000 ids").optional(),
  chat_id_list: z.array(z.string()).max(2000, "chat_id_list holds at most 2000 chats").optional(),
  tag_filter: z.object({ group_list: z.array(z.object({ tag_list: z.array(z.string()).max(100) })) }).optional(),
  sender: z.string().optional(),
  allow_select: z.boolean().optional(),
});

function template(c: ApiContext, api: string, msgid: string | undefined): SimMassSend {
  if (!msgid) throw new WecomError(41046, "msgid missing");
  const t = c.state.massSends.get(msgid);
  if (!t) throw new WecomError(41047, "invalid msgid");
  if (c.faults.stillDispatching(api, msgid, t.created_at_ms, c.now()))
    throw new WecomError(41063, "mass send is being dispatched, try again later");
  return t;
}

/** tag_filter: OR inside a group_list entry, AND across entries. */
function matchesTags(f: SimFollow, filter: z.infer<typeof templateSchema>["tag_filter"]): boolean {
  return (filter?.group_list ?? []).every((g) => !g.tag_list.length || g.tag_list.some((id) => f.tag_ids.includes(id)));
}

/**
 * Tasks created in [start_time, end_time] (≤ one month), oldest first. Every simulator task is
 * created through the API, so it is an enterprise task (create_type 0) without a creator: filter_type
 * 1 (personal) and a creator filter find none. create_time is a string, as in the doc's sample.
 */
function listTemplates(c: ApiContext) {
  const req = parseBody(listSchema, c.body);
  if (req.chat_type !== "single" && req.chat_type !== "group") throw invalidParam("chat_type must be single or group");
  if (req.start_time === undefined || req.end_time === undefined)
    throw invalidParam("start_time and end_time are required");
  if (req.end_time < req.start_time || req.end_time - req.start_time > MONTH_SECONDS)
    throw invalidParam("the time range must be at most one month");
  const filter = req.filter_type ?? 2;
  const items = [...c.state.massSends.values()]
    .filter(
      (t) =>
        t.chat_type === req.chat_type &&
        t.create_time >= req.start_time! &&
        t.create_time <= req.end_time! &&
        filter !== 1 &&
        !req.creator,
    )
    .sort((a, b) => a.create_time - b.create_time || a.created_at_ms - b.created_at_ms);
  const { page, next_cursor } = pageOf(items, req.cursor, clampLimit(req.limit, 50, 100));
  return {
    next_cursor,
    group_msg_list: page.map((t) => ({
      msgid: t.msgid,
      create_time: String(t.create_time),
      create_type: 0,
      ...(t.text ? { text: { ...t.text } } : {}),
      attachments: t.attachments.map((a) => ({ ...a })),
    })),
  };
}

function addTemplate(c: ApiContext) {
  const req = parseBody(templateSchema, c.body);
  const content = checkContent(c.body);
  const chatType = req.chat_type ?? "single";
  if (chatType !== "single" && chatType !== "group") throw new WecomError(86214, "invalid chat_type");
  if (req.sender && !c.state.staff.has(req.sender)) throw new WecomError(60111, "userid not found");

  const { rows, fail_list } =
    chatType === "single" ? singleRecipients(c.state, req) : { rows: groupRecipients(c.state, req), fail_list: [] };
  if (!rows.length && !(chatType === "group" && !req.chat_id_list?.length))
    throw new WecomError(41048, "no customer to send");

  const msgid = nextId(c.state, "msgsim");
  const users = chatType === "group" ? [req.sender!] : [...new Set(rows.map((r) => r.userid))];
  c.state.massSends.set(msgid, {
    msgid,
    chat_type: chatType,
    ...(req.sender ? { sender: req.sender } : {}),
    ...content,
    create_time: nowS(c),
    created_at_ms: c.now(),
    canceled: false,
    reminders: [],
    tasks: new Map(users.map((u) => [u, { status: 0 }])),
    rows,
  });
  return { fail_list, msgid };
}

/**
 * With a sender: its customers among external_userid (all of them when the list is empty). Without:
 * each customer goes to one follow member, the most recently added one (our stand-in for "the member
 * who last chatted", which WeCom does not let us see). Non-customers land in fail_list.
 */
function singleRecipients(state: SimState, req: z.infer<typeof templateSchema>) {
  const wanted = [...new Set(req.external_userid ?? [])];
  if (!wanted.length && !req.sender)
    throw new WecomError(41048, "no customer to send: external_userid and sender are both empty");
  const rows: SimMassSendRow[] = [];
  const fail_list: string[] = [];
  const targets = wanted.length
    ? wanted
    : [...state.follows.values()].filter((f) => f.userid === req.sender).map((f) => f.external_userid);
  for (const ext of targets) {
    const follow = req.sender
      ? state.follows.get(followKey(req.sender, ext))
      : followsOf(state, ext).sort((a, b) => b.createtime - a.createtime)[0];
    if (!follow) fail_list.push(ext);
    else if (matchesTags(follow, req.tag_filter)) rows.push({ userid: follow.userid, external_userid: ext, status: 0 });
  }
  return { rows, fail_list };
}

/** Chats named in chat_id_list that the sender owns; without a list the member picks when confirming. */
function groupRecipients(state: SimState, req: z.infer<typeof templateSchema>): SimMassSendRow[] {
  if (!req.sender) throw invalidParam("sender is required for chat_type group");
  return (req.chat_id_list ?? [])
    .filter((id) => {
      const g = state.groups.get(id);
      return g && !g.dismissed && g.owner === req.sender;
    })
    .map((chat_id) => ({ userid: req.sender!, chat_id, status: 0 }));
}

export interface ConfirmOptions {
  failFor?: { external_userid: string; status: 2 | 3 }[];
}

/**
 * The member taps "send" in the client. Each unsent row becomes 1 with send_time, or 2 when the
 * customer is no longer a friend, or 3 when the customer (or chat) already received a mass send this
 * natural day (UTC+8) — the daily receive cap of wecom.md §5.1.
 */
export function confirmMassSend(
  state: SimState,
  msgid: string,
  userid: string,
  now: number,
  opts: ConfirmOptions = {},
): void {
  const t = state.massSends.get(msgid);
  if (!t) throw new Error(`no mass send ${msgid}`);
  if (t.canceled) throw new Error(`mass send ${msgid} was canceled`);
  const task = t.tasks.get(userid);
  if (!task) throw new Error(`${userid} has no task in mass send ${msgid}`);
  if (task.status === 2) throw new Error(`${userid} already confirmed mass send ${msgid}`);

  if (t.chat_type === "group" && !t.rows.some((r) => r.userid === userid))
    for (const g of state.groups.values())
      if (g.owner === userid && !g.dismissed) t.rows.push({ userid, chat_id: g.chat_id, status: 0 });

  const received = receiversOn(state, dayStart(now));
  for (const row of t.rows) {
    if (row.userid !== userid || row.status !== 0) continue;
    const forced = opts.failFor?.find((f) => f.external_userid === row.external_userid);
    if (forced) row.status = forced.status;
    else if (row.external_userid && !state.follows.has(followKey(userid, row.external_userid))) row.status = 2;
    else if (received.has(recipientKey(row))) row.status = 3;
    else {
      row.status = 1;
      row.send_time = now;
      received.add(recipientKey(row));
    }
  }
  task.status = 2;
  task.send_time = now;
}

const recipientKey = (r: SimMassSendRow) => (r.external_userid ? `c:${r.external_userid}` : `g:${r.chat_id}`);

/** Customers and chats that already received a mass send on the natural day starting at `day`. */
function receiversOn(state: SimState, day: number): Set<string> {
  const out = new Set<string>();
  for (const t of state.massSends.values())
    for (const r of t.rows)
      if (r.status === 1 && r.send_time! >= day && r.send_time! < day + DAY_SECONDS) out.add(recipientKey(r));
  return out;
}
