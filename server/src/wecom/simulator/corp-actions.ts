import { randomBytes } from "node:crypto";
import { CallbackSender, eventXml, type XmlField } from "./callbacks.ts";
import {
  followKey,
  type SimFollow,
  type SimGroup,
  type SimGroupMember,
  type SimCustomer,
  type SimState,
} from "./model.ts";
import { confirmMassSend, type ConfirmOptions } from "./routes/mass-send.ts";
import { bumpMemberVersion } from "./state.ts";

const OAUTH_CODE_TTL_MS = 5 * 60_000;

/**
 * What people do in the WeCom client, applied to the state, each followed by the callback WeCom
 * would send (when a callback URL is set). Misuse (unknown ids) throws: it is a bug in the test.
 */
export class CorpActions {
  constructor(
    private readonly state: SimState,
    private readonly now: () => number,
    private readonly sender: CallbackSender,
  ) {}

  async addCustomer(c: SimCustomer, f: SimFollow, opts: { welcomeCode?: boolean } = {}): Promise<void> {
    this.staffWithContact(f.userid);
    if (f.external_userid !== c.external_userid) throw new Error("follow and customer disagree on external_userid");
    this.state.customers.set(c.external_userid, structuredClone(c));
    this.state.follows.set(followKey(f.userid, f.external_userid), structuredClone(f));
    let code: string | undefined;
    if (opts.welcomeCode) {
      code = randomBytes(16).toString("hex");
      this.state.welcomeCodes.set(code, {
        code,
        userid: f.userid,
        external_userid: f.external_userid,
        issued_at_ms: this.now(),
        used: false,
      });
    }
    await this.contactEvent("add_external_contact", f.userid, f.external_userid, [
      ...(f.state !== undefined ? ([["State", f.state]] as [string, XmlField][]) : []),
      ...(code ? ([["WelcomeCode", code]] as [string, XmlField][]) : []),
    ]);
  }

  async deleteFollowByStaff(userid: string, external_userid: string): Promise<void> {
    this.follow(userid, external_userid);
    this.state.follows.delete(followKey(userid, external_userid));
    await this.contactEvent("del_external_contact", userid, external_userid);
  }

  /** Simplification: the relation is gone for the API too (84061 once no follow is left). */
  async deleteFollowByCustomer(userid: string, external_userid: string): Promise<void> {
    this.follow(userid, external_userid);
    this.state.follows.delete(followKey(userid, external_userid));
    await this.contactEvent("del_follow_user", userid, external_userid);
  }

  async editFollow(userid: string, external_userid: string, patch: Partial<SimFollow>): Promise<void> {
    const { userid: _u, external_userid: _e, ...rest } = patch;
    Object.assign(this.follow(userid, external_userid), structuredClone(rest));
    await this.contactEvent("edit_external_contact", userid, external_userid);
  }

  async joinGroup(chat_id: string, member: SimGroupMember): Promise<void> {
    const g = this.group(chat_id);
    g.members = [...g.members.filter((m) => m.userid !== member.userid), structuredClone(member)];
    const v = bumpMemberVersion(this.state, g);
    // Event JoinScene: 0 = invited (directly or by link), 3 = QR code (wecom.md §8.5).
    await this.memberEvent(g, "add_member", member.join_scene === 3 ? 3 : 0, 0, member.userid, v);
  }

  async leaveGroup(chat_id: string, memberId: string, quitScene: 0 | 1): Promise<void> {
    const g = this.group(chat_id);
    if (!g.members.some((m) => m.userid === memberId)) throw new Error(`${memberId} is not in ${chat_id}`);
    g.members = g.members.filter((m) => m.userid !== memberId);
    g.admins = g.admins.filter((a) => a !== memberId);
    const v = bumpMemberVersion(this.state, g);
    await this.memberEvent(g, "del_member", 0, quitScene, memberId, v);
  }

  async createGroup(g: SimGroup): Promise<void> {
    if (this.state.groups.has(g.chat_id)) throw new Error(`group ${g.chat_id} exists`);
    this.state.groups.set(g.chat_id, structuredClone(g));
    await this.chatEvent(g.chat_id, "create");
  }

  async dismissGroup(chat_id: string): Promise<void> {
    this.group(chat_id).dismissed = true;
    await this.chatEvent(chat_id, "dismiss");
  }

  async renameGroup(chat_id: string, name: string): Promise<void> {
    this.group(chat_id).name = name;
    await this.chatEvent(chat_id, "update", [["UpdateDetail", "change_name"]]);
  }

  /** WeCom sends no callback when a member confirms a mass send; only the state changes. */
  async confirmMassSend(msgid: string, userid: string, opts?: ConfirmOptions): Promise<void> {
    confirmMassSend(this.state, msgid, userid, Math.floor(this.now() / 1000), opts);
  }

  issueOauthCode(userid: string): string {
    if (!this.state.staff.has(userid)) throw new Error(`no staff ${userid}`);
    const code = randomBytes(24).toString("base64url");
    this.state.oauthCodes.set(code, { userid, expires_at_ms: this.now() + OAUTH_CODE_TTL_MS, used: false });
    return code;
  }

  private staffWithContact(userid: string) {
    const m = this.state.staff.get(userid);
    if (!m?.customerContact) throw new Error(`${userid} is not staff with 客户联系`);
    return m;
  }

  private follow(userid: string, external_userid: string): SimFollow {
    const f = this.state.follows.get(followKey(userid, external_userid));
    if (!f) throw new Error(`${external_userid} is not a customer of ${userid}`);
    return f;
  }

  private group(chat_id: string): SimGroup {
    const g = this.state.groups.get(chat_id);
    if (!g || g.dismissed) throw new Error(`no group ${chat_id}`);
    return g;
  }

  private async send(event: string, fields: [string, XmlField][]): Promise<void> {
    if (!this.state.callbackUrl) return;
    const xml = eventXml(this.state.corp.corpId, Math.floor(this.now() / 1000), event, fields);
    await this.sender.deliver(xml);
  }

  private contactEvent(changeType: string, userid: string, external_userid: string, extra: [string, XmlField][] = []) {
    return this.send("change_external_contact", [
      ["ChangeType", changeType],
      ["UserID", userid],
      ["ExternalUserID", external_userid],
      ...extra,
    ]);
  }

  private chatEvent(chat_id: string, changeType: string, extra: [string, XmlField][] = []) {
    return this.send("change_external_chat", [["ChatId", chat_id], ["ChangeType", changeType], ...extra]);
  }

  private memberEvent(
    g: SimGroup,
    detail: "add_member" | "del_member",
    joinScene: number,
    quitScene: number,
    memberId: string,
    v: { last: string; cur: string },
  ) {
    return this.chatEvent(g.chat_id, "update", [
      ["UpdateDetail", detail],
      ["JoinScene", { bare: joinScene }],
      ["QuitScene", { bare: quitScene }],
      ["MemChangeCnt", { bare: 1 }],
      ["MemChangeList", { items: [memberId] }],
      ["LastMemVer", { bare: v.last }],
      ["CurMemVer", { bare: v.cur }],
    ]);
  }
}
