import { randomBytes } from "node:crypto";
import { checkContent } from "../attachments.ts";
import type { ApiContext, ApiTable } from "../api.ts";
import { invalidParam, WecomError } from "../errors.ts";
import type { SimStaff, SimState } from "../model.ts";
import { isLicensed, nextId } from "../state.ts";

const WELCOME_CODE_TTL_MS = 20_000;
const MSGTYPES = new Set([
  "text",
  "image",
  "voice",
  "video",
  "file",
  "textcard",
  "news",
  "mpnews",
  "markdown",
  "miniprogram_notice",
  "template_card",
]);

/** App messages to staff (wecom.md §6) and the welcome message to a new customer (§9). */
export function messageRoutes(): ApiTable {
  return {
    "message/send": { method: "POST", handle: (c) => sendAppMessage(c) },
    "externalcontact/send_welcome_msg": { method: "POST", handle: (c) => sendWelcome(c) },
  };
}

function checkPayload(msgtype: string, payload: unknown): void {
  if (typeof payload !== "object" || payload === null) throw invalidParam(`${msgtype} is required`);
  const p = payload as Record<string, unknown>;
  const need = (field: string) => {
    if (typeof p[field] !== "string" || !p[field]) throw invalidParam(`${msgtype}.${field} is required`);
  };
  if (msgtype === "text") {
    need("content");
    if (Buffer.byteLength(p.content as string) > 2048) throw invalidParam("text.content is longer than 2048 bytes");
  } else if (msgtype === "textcard") ["title", "description", "url"].forEach(need);
  else if (msgtype === "markdown") need("content");
  else if (msgtype === "news") {
    const n = Array.isArray(p.articles) ? p.articles.length : 0;
    if (n < 1 || n > 8) throw invalidParam("news.articles holds 1..8 articles");
  }
}

/** Receivers are matched case-insensitively and reported lower-cased, as WeCom does. */
function resolveReceivers(state: SimState, body: Record<string, unknown>) {
  const split = (v: unknown) =>
    typeof v === "string"
      ? v
          .split("|")
          .map((s) => s.trim())
          .filter(Boolean)
      : [];
  const byLower = new Map([...state.staff.values()].map((m) => [m.userid.toLowerCase(), m]));
  const reached = new Map<string, SimStaff>();
  const invaliduser: string[] = [];
  const unlicenseduser: string[] = [];
  const invalidparty: string[] = [];
  const reach = (m: SimStaff) => {
    if (isLicensed(m)) reached.set(m.userid, m);
    else if (!unlicenseduser.includes(m.userid.toLowerCase())) unlicenseduser.push(m.userid.toLowerCase());
  };
  const users = split(body.touser);
  if (users.includes("@all")) [...state.staff.values()].forEach(reach);
  else
    for (const u of users) {
      const m = byLower.get(u.toLowerCase());
      if (m) reach(m);
      else invaliduser.push(u.toLowerCase());
    }
  for (const party of split(body.toparty)) {
    const members = [...state.staff.values()].filter((m) => (m.department ?? [1]).includes(Number(party)));
    if (members.length) members.forEach(reach);
    else invalidparty.push(party);
  }
  // Staff tags are not simulated: every totag id is invalid.
  return { reached: [...reached.values()], invaliduser, unlicenseduser, invalidparty, invalidtag: split(body.totag) };
}

function sendAppMessage({ state, body, now }: ApiContext) {
  if (body.agentid === undefined) throw new WecomError(41011, "agentid missing");
  if (body.agentid !== state.corp.agentId) throw new WecomError(40056, "invalid agentid");
  const msgtype = body.msgtype;
  if (typeof msgtype !== "string" || !MSGTYPES.has(msgtype)) throw new WecomError(40008, "invalid message type");
  checkPayload(msgtype, body[msgtype]);

  const r = resolveReceivers(state, body);
  const report = {
    invaliduser: r.invaliduser.join("|"),
    invalidparty: r.invalidparty.join("|"),
    invalidtag: r.invalidtag.join("|"),
    unlicenseduser: r.unlicenseduser.join("|"),
  };
  if (!r.reached.length) throw new WecomError(81013, "user & party & tag all invalid", report);
  const msgid = nextId(state, "simappmsg");
  state.appMessages.push({
    msgid,
    at: now(),
    agentid: state.corp.agentId,
    msgtype,
    touser: r.reached.map((m) => m.userid),
    body,
  });
  return {
    ...report,
    msgid,
    ...(msgtype === "template_card" ? { response_code: randomBytes(16).toString("base64url") } : {}),
  };
}

/** A welcome code is good for 20 s and one use (wecom.md §9). */
function sendWelcome({ state, body, now }: ApiContext) {
  const code = body.welcome_code;
  if (typeof code !== "string" || !code) throw new WecomError(41049, "welcome_code missing");
  const w = state.welcomeCodes.get(code);
  if (!w) throw new WecomError(41050, "invalid welcome_code");
  if (w.used) throw new WecomError(41051, "customer and member have started chatting");
  if (now() - w.issued_at_ms >= WELCOME_CODE_TTL_MS) throw new WecomError(41050, "welcome_code expired");
  const content = checkContent(body);
  w.used = true;
  state.welcomeMessages.push({
    welcome_code: code,
    userid: w.userid,
    external_userid: w.external_userid,
    ...content,
    at: now(),
  });
  return {};
}
