/**
 * The simulated corp's data. The seed types are what a test or the demo hands in; the state types are
 * what the simulator keeps while it runs. Everything is plain data in Maps so tests can inspect and
 * change it directly.
 */

export interface SimStaff {
  userid: string;
  name: string;
  mobile?: string;
  avatar?: string;
  position?: string;
  department?: number[];
  /** 客户联系 enabled: listed by get_follow_user_list and allowed to have customers */
  customerContact: boolean;
  /** interop licence (互通许可); default true */
  licensed?: boolean;
}

export interface SimCustomer {
  external_userid: string;
  name: string;
  avatar?: string;
  type: 1 | 2;
  gender: 0 | 1 | 2;
  unionid?: string;
  corp_name?: string;
}

export interface SimFollow {
  userid: string;
  external_userid: string;
  remark?: string;
  description?: string;
  /** unix seconds */
  createtime: number;
  tag_ids: string[];
  remark_mobiles?: string[];
  add_way: number;
  state?: string;
  oper_userid?: string;
}

export interface SimTag {
  id: string;
  name: string;
  order: number;
  create_time: number;
  /** only tags made through add_corp_tag may be edited or deleted by the app (wecom.md §3) */
  created_by_app?: boolean;
}

export interface SimTagGroup {
  group_id: string;
  group_name: string;
  order: number;
  create_time: number;
  created_by_app?: boolean;
  tags: SimTag[];
}

export interface SimGroupMember {
  /** userid (type 1) or external_userid (type 2) */
  userid: string;
  type: 1 | 2;
  unionid?: string;
  join_time: number;
  join_scene: 1 | 2 | 3;
  invitor?: string;
  group_nickname?: string;
  name?: string;
  state?: string;
}

export interface SimGroup {
  chat_id: string;
  name: string;
  owner: string;
  create_time: number;
  notice?: string;
  status: 0 | 1 | 2 | 3;
  members: SimGroupMember[];
  admins: string[];
  member_version: string;
  dismissed?: boolean;
}

export interface SimCorpSeed {
  corpId: string;
  agentId: number;
  secret: string;
  callbackToken: string;
  callbackAesKey: string;
  staff: SimStaff[];
  customers: SimCustomer[];
  follows: SimFollow[];
  tagGroups: SimTagGroup[];
  groups: SimGroup[];
}

// ---- state kept while running ----

export type MassSendStatus = 0 | 1 | 2 | 3;

export interface SimMassSendRow {
  userid: string;
  external_userid?: string;
  chat_id?: string;
  /** 0 unsent, 1 sent, 2 not a friend, 3 already received another mass send (wecom.md §5.4) */
  status: MassSendStatus;
  send_time?: number;
}

export interface SimMassSend {
  msgid: string;
  chat_type: "single" | "group";
  sender?: string;
  text?: { content: string };
  attachments: Record<string, unknown>[];
  /** unix seconds */
  create_time: number;
  /** simulator ms, for the "being dispatched" window */
  created_at_ms: number;
  canceled: boolean;
  /** simulator ms of each remind call, for the 3-per-24h limit */
  reminders: number[];
  tasks: Map<string, { status: 0 | 2; send_time?: number }>;
  rows: SimMassSendRow[];
}

export interface SimAppMessage {
  msgid: string;
  at: number;
  agentid: number;
  msgtype: string;
  /** the userids it reached (canonical case) */
  touser: string[];
  /** the request body as sent */
  body: Record<string, unknown>;
}

export interface SimWelcomeCode {
  code: string;
  userid: string;
  external_userid: string;
  issued_at_ms: number;
  used: boolean;
}

export interface SimWelcomeMessage {
  welcome_code: string;
  userid: string;
  external_userid: string;
  text?: { content: string };
  attachments: Record<string, unknown>[];
  at: number;
}

/**
 * A message a staff member put into a chat from the chat toolbar (JS-SDK sendChatMessage). WeCom has no
 * server API for this; the simulator records it through its test-control API (sim/chat_toolbar/*).
 */
export interface SimChatToolbarSend {
  sendid: string;
  /** simulator clock, ms */
  at: number;
  userid: string;
  /** one-to-one chat with this customer, or */
  external_userid?: string;
  /** the customer group */
  chat_id?: string;
  msgtype: "text" | "image" | "news" | "miniprogram";
  /** the payload named by msgtype, as sent */
  payload: Record<string, unknown>;
}

export interface SimExpiring {
  value: string;
  expires_at_ms: number;
}

export interface SimOauthCode {
  userid: string;
  expires_at_ms: number;
  used: boolean;
}

/** What was deleted, so get_corp_tag_list filtered by id can answer `deleted: true`. */
export interface SimTagTombstone {
  group: Omit<SimTagGroup, "tags">;
  tag?: SimTag;
}

export interface SimGroupDayStat {
  msg_cnt: number;
  member_has_msg: number;
}

export interface SimCall {
  /** path after /cgi-bin/, e.g. "externalcontact/mark_tag" */
  api: string;
  /** simulator clock, ms */
  at: number;
  errcode: number;
  /** HTTP status sent (200 unless a 5xx was injected) */
  status: number;
}

export interface SimState {
  corp: Pick<SimCorpSeed, "corpId" | "agentId" | "secret" | "callbackToken" | "callbackAesKey">;
  callbackUrl: string | null;
  staff: Map<string, SimStaff>;
  customers: Map<string, SimCustomer>;
  /** keyed by followKey(userid, external_userid) */
  follows: Map<string, SimFollow>;
  tagGroups: Map<string, SimTagGroup>;
  tagTombstones: Map<string, SimTagTombstone>;
  groups: Map<string, SimGroup>;
  /** message activity for groupchat statistics, keyed by groupDayKey(chat_id, dayStart); tests may fill it */
  groupDayStats: Map<string, SimGroupDayStat>;
  massSends: Map<string, SimMassSend>;
  appMessages: SimAppMessage[];
  welcomeCodes: Map<string, SimWelcomeCode>;
  welcomeMessages: SimWelcomeMessage[];
  /** chat toolbar sends recorded through sim/chat_toolbar/send, oldest first */
  chatToolbarSends: SimChatToolbarSend[];
  /** access tokens ever issued → expiry; the newest valid one is handed out again */
  tokens: Map<string, number>;
  currentToken: string | null;
  tickets: { jsapi: SimExpiring | null; agent_config: SimExpiring | null };
  oauthCodes: Map<string, SimOauthCode>;
  calls: SimCall[];
  /** counter behind every generated id */
  seq: number;
}

/** userids never contain "|" (message/send uses it as a separator), so it is a safe joiner. */
export function followKey(userid: string, external_userid: string): string {
  return `${userid}|${external_userid}`;
}

export function groupDayKey(chat_id: string, dayStart: number): string {
  return `${chat_id}|${dayStart}`;
}
