import type { Logger } from "pino";
import { systemClock, type Clock } from "../platform/clock.ts";
import { CachedCredential } from "./token-cache.ts";
import { BUSY_ERRCODE, HTTP_FAILURE, RATE_LIMIT_ERRCODES, TIMEOUT, TOKEN_ERRCODES, WecomError } from "./wecom-error.ts";
import type {
  AddMsgTemplateRequest,
  BatchGetByUserResult,
  CorpTagGroup,
  ExternalContactDetail,
  GroupChatDetail,
  GroupChatListItem,
  GroupStatisticData,
  GroupmsgListItem,
  MessageSendResult,
  MsgAttachment,
  SendResultItem,
  TextCard,
  WecomBase,
  WecomUser,
} from "./wecom-types.ts";

export interface WecomClientOptions {
  /** e.g. https://qyapi.weixin.qq.com/cgi-bin/ (or the simulator's /cgi-bin/) */
  baseUrl: string;
  corpId: string;
  secret: string;
  agentId?: number;
  clock?: Clock;
  logger?: Logger;
  timeoutMs?: number;
  /** injected so tests do not wait through real back-off */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  fetch?: typeof fetch;
}

/** The app credentials a call uses. */
export interface WecomCredentials {
  corpId: string;
  secret: string;
  agentId: number | undefined;
}

/**
 * Where credentials come from at call time (the settings page's stored values, env first); a field
 * it leaves undefined falls back to the one the client was built with.
 */
export type CredentialSource = () => Promise<Partial<Record<keyof WecomCredentials, string | number | undefined>>>;

/** One set of credentials with its own token and tickets. */
interface CredentialCache {
  creds: WecomCredentials;
  token: CachedCredential;
  corpTicket: CachedCredential;
  agentTicket: CachedCredential;
}

interface CallOptions {
  method?: "GET" | "POST";
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** gettoken itself carries no access_token */
  noToken?: boolean;
  /**
   * the call creates something (a mass send): after a timeout WeCom may have done it, so it is
   * not retried then (errcodes and HTTP errors are answers that nothing happened and are retried)
   */
  notIdempotent?: boolean;
}

const MAX_BUSY_RETRIES = 3;
const MAX_RATE_RETRIES = 6;
const MAX_TRANSPORT_RETRIES = 3;

/**
 * The one way Siyu reaches WeCom. Every method is one documented API; the retry rules of
 * wecom.md live in `call`: a bad/expired token is refreshed once and the call retried; -1 is
 * retried with back-off; 45009/45033 back off with jitter; timeouts and HTTP failures are retried.
 * Secrets and tokens never reach a log line (only the API name and errcode do).
 */
export class WecomClient {
  private readonly baseUrl: string;
  private readonly clock: Clock;
  private readonly log: Logger | undefined;
  private readonly timeoutMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;
  private readonly fetchImpl: typeof fetch;
  private source: CredentialSource | null = null;
  /** token and tickets of the credentials last used; replaced when the credentials change */
  private current: CredentialCache | null = null;

  constructor(private readonly opts: WecomClientOptions) {
    this.baseUrl = opts.baseUrl.endsWith("/") ? opts.baseUrl : `${opts.baseUrl}/`;
    this.clock = opts.clock ?? systemClock;
    this.log = opts.logger?.child({ component: "wecom" });
    this.timeoutMs = opts.timeoutMs ?? 10_000;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.random = opts.random ?? Math.random;
    this.fetchImpl = opts.fetch ?? fetch;
  }

  /** The corp id of the credentials last used (the constructor's until a source says otherwise). */
  get corpId(): string {
    return this.current?.creds.corpId ?? this.opts.corpId;
  }
  get agentId(): number | undefined {
    return this.current ? this.current.creds.agentId : this.opts.agentId;
  }

  /** The corp id and agent id in effect now (the credential source's, else the constructor's). */
  async identity(): Promise<{ corpId: string; agentId: number | undefined }> {
    const { creds } = await this.credentials();
    return { corpId: creds.corpId, agentId: creds.agentId };
  }

  /**
   * Reads credentials from `source` before every call, so a secret changed on the settings page is
   * used by the next call without a restart; tokens are cached per credentials.
   */
  setCredentialSource(source: CredentialSource): void {
    this.source = source;
  }

  private async credentials(): Promise<CredentialCache> {
    const o = this.source ? await this.source() : {};
    const creds: WecomCredentials = {
      corpId: typeof o.corpId === "string" && o.corpId ? o.corpId : this.opts.corpId,
      secret: typeof o.secret === "string" && o.secret ? o.secret : this.opts.secret,
      agentId: typeof o.agentId === "number" ? o.agentId : this.opts.agentId,
    };
    const held = this.current?.creds;
    if (!held || held.corpId !== creds.corpId || held.secret !== creds.secret || held.agentId !== creds.agentId)
      // credentials changed: the old tokens are of no further use (calls in flight keep theirs)
      this.current = this.newCache(creds);
    return this.current!;
  }

  private newCache(creds: WecomCredentials): CredentialCache {
    const cache: CredentialCache = {
      creds,
      token: new CachedCredential(async () => {
        const r = await this.callWith<{ access_token: string; expires_in: number }>(cache, "gettoken", {
          noToken: true,
          query: { corpid: creds.corpId, corpsecret: creds.secret },
        });
        return { value: r.access_token, expiresInS: r.expires_in };
      }, this.clock),
      corpTicket: new CachedCredential(async () => {
        const r = await this.callWith<{ ticket: string; expires_in: number }>(cache, "get_jsapi_ticket");
        return { value: r.ticket, expiresInS: r.expires_in };
      }, this.clock),
      agentTicket: new CachedCredential(async () => {
        const r = await this.callWith<{ ticket: string; expires_in: number }>(cache, "ticket/get", {
          query: { type: "agent_config" },
        });
        return { value: r.ticket, expiresInS: r.expires_in };
      }, this.clock),
    };
    return cache;
  }

  // ---- the transport and its retry rules ----

  async call<T>(api: string, o: CallOptions = {}): Promise<T & WecomBase> {
    return this.callWith<T>(await this.credentials(), api, o);
  }

  private async callWith<T>(cache: CredentialCache, api: string, o: CallOptions = {}): Promise<T & WecomBase> {
    let tokenRetried = false;
    let busy = 0,
      rate = 0,
      transport = 0;
    for (;;) {
      const token = o.noToken ? undefined : await cache.token.get();
      const result = await this.once<T>(api, o, token);
      const code = result.errcode;
      if (code === 0) return result;
      if (TOKEN_ERRCODES.has(code) && !o.noToken && !tokenRetried) {
        tokenRetried = true;
        cache.token.invalidate(token!);
        await cache.token.refresh();
        continue;
      }
      if (code === BUSY_ERRCODE && busy < MAX_BUSY_RETRIES) {
        await this.sleep(200 * 2 ** busy++);
        continue;
      }
      if (RATE_LIMIT_ERRCODES.has(code) && rate < MAX_RATE_RETRIES) {
        // full jitter: spread retries of many callers instead of syncing them up
        await this.sleep(Math.round(500 * 2 ** rate++ * (0.5 + this.random())));
        continue;
      }
      if ((code === HTTP_FAILURE || (code === TIMEOUT && !o.notIdempotent)) && transport < MAX_TRANSPORT_RETRIES) {
        await this.sleep(300 * 2 ** transport++);
        continue;
      }
      this.log?.warn({ api, errcode: code }, "WeCom call failed");
      throw new WecomError(api, code, result.errmsg);
    }
  }

  private async once<T>(api: string, o: CallOptions, token: string | undefined): Promise<T & WecomBase> {
    const url = new URL(api, this.baseUrl);
    if (token) url.searchParams.set("access_token", token);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const method = o.method ?? (o.body === undefined ? "GET" : "POST");
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), this.timeoutMs);
    try {
      const res = await this.fetchImpl(url, {
        method,
        headers: o.body === undefined ? undefined : { "content-type": "application/json" },
        body: o.body === undefined ? undefined : JSON.stringify(o.body),
        signal: controller.signal,
      });
      const text = await res.text();
      if (!res.ok) return { errcode: HTTP_FAILURE, errmsg: `HTTP ${res.status}` } as T & WecomBase;
      try {
        const json = JSON.parse(text) as T & WecomBase;
        return { ...json, errcode: json.errcode ?? 0, errmsg: json.errmsg ?? "ok" };
      } catch {
        return { errcode: HTTP_FAILURE, errmsg: "answer is not JSON" } as T & WecomBase;
      }
    } catch (err) {
      const timedOut = controller.signal.aborted;
      return {
        errcode: timedOut ? TIMEOUT : HTTP_FAILURE,
        errmsg: timedOut ? "timeout" : (err as Error).message,
      } as T & WecomBase;
    } finally {
      clearTimeout(timer);
    }
  }

  // ---- credentials ----

  async accessToken(): Promise<string> {
    return (await this.credentials()).token.get();
  }
  async jsapiTicket(): Promise<string> {
    return (await this.credentials()).corpTicket.get();
  }
  async agentConfigTicket(): Promise<string> {
    return (await this.credentials()).agentTicket.get();
  }

  // ---- staff ----

  getUser(userid: string): Promise<WecomUser> {
    return this.call<WecomUser>("user/get", { query: { userid } });
  }
  async getFollowUserList(): Promise<string[]> {
    return (await this.call<{ follow_user: string[] }>("externalcontact/get_follow_user_list")).follow_user ?? [];
  }

  // ---- customers ----

  async listExternalContacts(userid: string): Promise<string[]> {
    return (
      (await this.call<{ external_userid: string[] }>("externalcontact/list", { query: { userid } })).external_userid ??
      []
    );
  }
  getExternalContact(externalUserid: string, cursor?: string): Promise<ExternalContactDetail> {
    return this.call<ExternalContactDetail>("externalcontact/get", {
      query: { external_userid: externalUserid, cursor },
    });
  }
  batchGetByUser(useridList: string[], cursor = "", limit = 100): Promise<BatchGetByUserResult> {
    return this.call<BatchGetByUserResult>("externalcontact/batch/get_by_user", {
      body: { userid_list: useridList, cursor, limit },
    });
  }

  // ---- corp tags ----

  async getCorpTagList(filter: { tag_id?: string[]; group_id?: string[] } = {}): Promise<CorpTagGroup[]> {
    return (
      (await this.call<{ tag_group: CorpTagGroup[] }>("externalcontact/get_corp_tag_list", { body: filter }))
        .tag_group ?? []
    );
  }
  async addCorpTag(req: {
    group_id?: string;
    group_name?: string;
    order?: number;
    tag: { name: string; order?: number }[];
  }): Promise<CorpTagGroup> {
    return (await this.call<{ tag_group: CorpTagGroup }>("externalcontact/add_corp_tag", { body: req })).tag_group;
  }
  async editCorpTag(req: { id: string; name?: string; order?: number }): Promise<void> {
    await this.call("externalcontact/edit_corp_tag", { body: req });
  }
  async delCorpTag(req: { tag_id?: string[]; group_id?: string[] }): Promise<void> {
    await this.call("externalcontact/del_corp_tag", { body: req });
  }
  async markTag(req: {
    userid: string;
    external_userid: string;
    add_tag?: string[];
    remove_tag?: string[];
  }): Promise<void> {
    await this.call("externalcontact/mark_tag", { body: req });
  }

  // ---- customer groups ----

  groupChatList(req: {
    status_filter?: number;
    owner_filter?: { userid_list: string[] };
    cursor?: string;
    limit: number;
  }): Promise<{ group_chat_list: GroupChatListItem[]; next_cursor?: string }> {
    return this.call("externalcontact/groupchat/list", { body: req });
  }
  async groupChatGet(chatId: string): Promise<GroupChatDetail> {
    return (
      await this.call<{ group_chat: GroupChatDetail }>("externalcontact/groupchat/get", {
        body: { chat_id: chatId, need_name: 1 },
      })
    ).group_chat;
  }
  groupChatStatistic(req: {
    day_begin_time: number;
    day_end_time?: number;
    owner_filter: { userid_list: string[] };
    order_by?: number;
    order_asc?: number;
    offset?: number;
    limit?: number;
  }): Promise<{ total: number; next_offset: number; items: { owner: string; data: GroupStatisticData }[] }> {
    return this.call("externalcontact/groupchat/statistic", { body: req });
  }
  groupChatStatisticByDay(req: {
    day_begin_time: number;
    day_end_time?: number;
    owner_filter: { userid_list: string[] };
  }): Promise<{ items: { stat_time: number; data: GroupStatisticData }[] }> {
    return this.call("externalcontact/groupchat/statistic_group_by_day", { body: req });
  }

  // ---- mass send ----

  addMsgTemplate(req: AddMsgTemplateRequest): Promise<{ fail_list?: string[]; msgid: string }> {
    return this.call("externalcontact/add_msg_template", { body: req, notIdempotent: true });
  }
  /** Mass sends created in [startTime, endTime] (unix seconds, ≤ one month), every page. */
  async listGroupmsg(req: {
    chatType: "single" | "group";
    startTime: number;
    endTime: number;
    /** 0 enterprise (API-created), 1 personal, 2 all */
    filterType?: 0 | 1 | 2;
  }): Promise<GroupmsgListItem[]> {
    const out: GroupmsgListItem[] = [];
    let cursor: string | undefined;
    do {
      const page = await this.call<{ group_msg_list?: GroupmsgListItem[]; next_cursor?: string }>(
        "externalcontact/get_groupmsg_list_v2",
        {
          body: {
            chat_type: req.chatType,
            start_time: req.startTime,
            end_time: req.endTime,
            filter_type: req.filterType ?? 2,
            limit: 100,
            cursor,
          },
        },
      );
      out.push(...(page.group_msg_list ?? []));
      cursor = page.next_cursor || undefined;
    } while (cursor);
    return out;
  }
  getGroupmsgTask(
    msgid: string,
    cursor?: string,
  ): Promise<{ task_list: { userid: string; status: number; send_time?: number }[]; next_cursor?: string }> {
    return this.call("externalcontact/get_groupmsg_task", { body: { msgid, limit: 1000, cursor } });
  }
  getGroupmsgSendResult(
    msgid: string,
    userid: string,
    cursor?: string,
  ): Promise<{ send_list: SendResultItem[]; next_cursor?: string }> {
    return this.call("externalcontact/get_groupmsg_send_result", { body: { msgid, userid, limit: 1000, cursor } });
  }
  async remindGroupmsgSend(msgid: string): Promise<void> {
    await this.call("externalcontact/remind_groupmsg_send", { body: { msgid } });
  }
  async cancelGroupmsgSend(msgid: string): Promise<void> {
    await this.call("externalcontact/cancel_groupmsg_send", { body: { msgid } });
  }
  async sendWelcomeMsg(req: {
    welcome_code: string;
    text?: { content: string };
    attachments?: MsgAttachment[];
  }): Promise<void> {
    await this.call("externalcontact/send_welcome_msg", { body: req });
  }

  // ---- app messages and identity ----

  async sendTextCard(touser: string[], card: TextCard): Promise<MessageSendResult> {
    const cache = await this.credentials();
    if (cache.creds.agentId === undefined) throw new WecomError("message/send", 40056, "no agent id configured");
    return this.callWith<MessageSendResult>(cache, "message/send", {
      body: {
        touser: touser.join("|"),
        msgtype: "textcard",
        agentid: cache.creds.agentId,
        textcard: card,
        enable_duplicate_check: 0,
      },
    });
  }
  getUserInfo(code: string): Promise<{ userid?: string; openid?: string; external_userid?: string }> {
    return this.call("auth/getuserinfo", { query: { code } });
  }
}
