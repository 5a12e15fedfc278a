import { invalidParam } from "./errors.ts";

/**
 * Message content shared by add_msg_template and send_welcome_msg (wecom.md §5.1, §9): text and
 * attachments not both empty, at most 9 attachments, each carrying the payload named by its msgtype
 * with that payload's required fields.
 */
const REQUIRED: Record<string, string[][]> = {
  image: [["media_id", "pic_url"]], // one of
  link: [["title"], ["url"]],
  miniprogram: [["title"], ["pic_media_id"], ["appid"], ["page"]],
  video: [["media_id"]],
  file: [["media_id"]],
};
const TEXT_MAX_BYTES = 4000;
const ATTACHMENTS_MAX = 9;

export interface MessageContent {
  text?: { content: string };
  attachments: Record<string, unknown>[];
}

export function checkContent(body: Record<string, unknown>): MessageContent {
  const text = body.text as { content?: unknown } | undefined;
  if (text !== undefined && (typeof text !== "object" || text === null || typeof text.content !== "string"))
    throw invalidParam("text.content must be a string");
  const content = text?.content as string | undefined;
  if (content && Buffer.byteLength(content) > TEXT_MAX_BYTES)
    throw invalidParam(`text.content is longer than ${TEXT_MAX_BYTES} bytes`);

  const raw = body.attachments ?? [];
  if (!Array.isArray(raw)) throw invalidParam("attachments must be an array");
  if (raw.length > ATTACHMENTS_MAX) throw invalidParam(`at most ${ATTACHMENTS_MAX} attachments`);
  const attachments = raw.map((a: unknown, i) => checkAttachment(a, i));
  if (!content && !attachments.length) throw invalidParam("text and attachments may not both be empty");
  return { ...(content ? { text: { content } } : {}), attachments };
}

function checkAttachment(a: unknown, i: number): Record<string, unknown> {
  const where = `attachments.${i}`;
  if (typeof a !== "object" || a === null) throw invalidParam(`${where} must be an object`);
  const item = a as Record<string, unknown>;
  const msgtype = item.msgtype;
  if (typeof msgtype !== "string" || !REQUIRED[msgtype]) throw invalidParam(`${where}.msgtype is invalid`);
  const payload = item[msgtype];
  if (typeof payload !== "object" || payload === null) throw invalidParam(`${where}.${msgtype} is required`);
  const fields = payload as Record<string, unknown>;
  for (const oneOf of REQUIRED[msgtype]!)
    if (!oneOf.some((f) => typeof fields[f] === "string" && fields[f]))
      throw invalidParam(`${where}.${msgtype}.${oneOf.join("|")} is required`);
  return { msgtype, [msgtype]: payload };
}
