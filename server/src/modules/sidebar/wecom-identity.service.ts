import { randomBytes } from "node:crypto";
import { getJsApiSignature } from "@wecom/crypto";
import type { DataSource } from "typeorm";
import { ForbiddenError, UnauthorizedError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import { Staff } from "../staff/staff.entity.ts";

export interface JsSdkSignature {
  timestamp: number;
  nonceStr: string;
  signature: string;
}

/**
 * Who the staff member inside WeCom is (OAuth2 snsapi_base, wecom.md §7) and the JS-SDK
 * signatures the sidebar registers with (§11). The page never names itself: the userid comes from
 * WeCom's answer to a single-use code.
 */
export class WecomIdentityService {
  constructor(
    private readonly ds: DataSource,
    private readonly client: WecomClient,
    private readonly clock: Clock,
    private readonly nonce: () => string = () => randomBytes(8).toString("hex"),
  ) {}

  /** The corp and agent in effect now: the settings page may have changed them since start-up. */
  async authorizeUrl(oauthBase: string, redirectUri: string, state: string): Promise<string> {
    const { corpId, agentId } = await this.client.identity();
    const q = new URLSearchParams({
      appid: corpId,
      redirect_uri: redirectUri,
      response_type: "code",
      scope: "snsapi_base",
      state,
    });
    if (agentId !== undefined) q.set("agentid", String(agentId));
    return `${oauthBase}?${q.toString()}#wechat_redirect`;
  }

  /** Exchanges an OAuth code for the active staff member it belongs to. */
  async staffForCode(code: string): Promise<Staff> {
    let userid: string | undefined;
    try {
      userid = (await this.client.getUserInfo(code)).userid;
    } catch (err) {
      if (err instanceof WecomError && err.errcode === 40029)
        throw new UnauthorizedError(
          "This sign-in link was already used or has expired; open the page from WeCom again",
        );
      throw err;
    }
    if (!userid) throw new ForbiddenError("Only members of the corp can use the sidebar");
    const staff = await this.ds.getRepository(Staff).findOneBy({ userid, status: "active" });
    if (!staff) throw new ForbiddenError(`${userid} is not a staff member known to Siyu yet (run a WeCom sync)`);
    return staff;
  }

  /** Signature for ww.register: `kind` config uses the corp ticket, agent the app ticket. */
  async signature(kind: "config" | "agent", pageUrl: string): Promise<JsSdkSignature> {
    let url: URL;
    try {
      url = new URL(pageUrl);
    } catch {
      throw new ValidationError("url is not a valid URL", [{ field: "url", reason: "must be the page's full URL" }]);
    }
    if (url.protocol !== "http:" && url.protocol !== "https:")
      throw new ValidationError("url must be http(s)", [{ field: "url", reason: "must be http or https" }]);
    const ticket = kind === "agent" ? await this.client.agentConfigTicket() : await this.client.jsapiTicket();
    const timestamp = Math.floor(this.clock.now().getTime() / 1000);
    const nonceStr = this.nonce();
    // signed over the URL as the page has it, without the fragment (§11.2)
    const s = getJsApiSignature({ url: pageUrl.split("#")[0]!, ticket, nonceStr, timestamp });
    return { timestamp, nonceStr, signature: s.signature };
  }
}
