import { z } from "zod";
import type { ApiContext, ApiTable } from "../api.ts";
import { invalidParam, parseBody, WecomError } from "../errors.ts";
import { followKey, type SimChatToolbarSend } from "../model.ts";
import { nextId } from "../state.ts";

/**
 * Test-control API, not a WeCom one: the chat toolbar's sendChatMessage happens inside the WeCom
 * client, so WeCom's server never sees it. In simulator mode the sidebar's dev bridge records each
 * send here (through Siyu's server and its WeCom client), and tests and the demo read them back.
 * The checks mirror what the client enforces: the staff member is in that chat, and the payload
 * carries the fields sendChatMessage needs.
 */
export function chatToolbarRoutes(): ApiTable {
  return {
    "sim/chat_toolbar/send": { method: "POST", handle: (c) => record(c, parseBody(sendSchema, c.body)) },
    "sim/chat_toolbar/sends": { method: "GET", handle: (c) => list(c) },
  };
}

const str = (field: string) => z.string({ error: `${field} is required` }).min(1, `${field} is required`);
const sendSchema = z.object({
  userid: str("userid"),
  external_userid: z.string().min(1).optional(),
  chat_id: z.string().min(1).optional(),
  msgtype: z.enum(["text", "image", "news", "miniprogram"], { error: "msgtype is invalid" }),
  text: z.object({ content: str("text.content") }).optional(),
  image: z
    .object({ mediaid: z.string().optional(), imgUrl: z.string().optional() })
    .refine((i) => Boolean(i.mediaid || i.imgUrl), "image.mediaid or image.imgUrl is required")
    .optional(),
  news: z
    .object({
      link: str("news.link"),
      title: str("news.title"),
      desc: z.string().optional(),
      imgUrl: z.string().optional(),
    })
    .optional(),
  miniprogram: z
    .object({
      appid: str("miniprogram.appid"),
      title: str("miniprogram.title"),
      imgUrl: str("miniprogram.imgUrl"),
      page: str("miniprogram.page"),
    })
    .optional(),
});

function record({ state, now }: ApiContext, body: z.infer<typeof sendSchema>) {
  if (Boolean(body.external_userid) === Boolean(body.chat_id))
    throw invalidParam("exactly one of external_userid and chat_id is required");
  const staff = state.staff.get(body.userid);
  if (!staff) throw new WecomError(60111, "invalid userid");
  if (body.external_userid) {
    if (!state.follows.has(followKey(body.userid, body.external_userid)))
      throw new WecomError(84061, "not external contact");
  } else {
    const group = state.groups.get(body.chat_id!);
    if (!group || group.dismissed) throw new WecomError(40050, "invalid chatid");
    const inChat = group.owner === body.userid || group.members.some((m) => m.type === 1 && m.userid === body.userid);
    if (!inChat) throw new WecomError(60011, "no privilege to access this chat");
  }
  const payload = body[body.msgtype];
  if (!payload) throw invalidParam(`${body.msgtype} is required`);
  const send: SimChatToolbarSend = {
    sendid: nextId(state, "simchatsend"),
    at: now(),
    userid: body.userid,
    ...(body.external_userid ? { external_userid: body.external_userid } : { chat_id: body.chat_id! }),
    msgtype: body.msgtype,
    payload: payload as Record<string, unknown>,
  };
  state.chatToolbarSends.push(send);
  return { sendid: send.sendid };
}

/** The recorded sends, oldest first, filtered by any of userid, external_userid and chat_id. */
function list({ state, query }: ApiContext) {
  const sends = state.chatToolbarSends.filter(
    (s) =>
      (!query.userid || s.userid === query.userid) &&
      (!query.external_userid || s.external_userid === query.external_userid) &&
      (!query.chat_id || s.chat_id === query.chat_id),
  );
  return { sends };
}
