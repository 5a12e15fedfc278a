import type { Logger } from "pino";
import type { SettingsService } from "../settings/settings.service.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import type { MsgAttachment } from "../../wecom/wecom-types.ts";

export interface WelcomeSetting {
  enabled: boolean;
  text: string;
  attachments?: MsgAttachment[];
}

export const WELCOME_SETTING = "wecom.welcome";

/** Sends the configured welcome message with a WelcomeCode (valid 20 s, single use). */
export class WelcomeSender {
  constructor(
    private readonly client: WecomClient,
    private readonly settings: SettingsService,
    private readonly log: Logger,
  ) {}

  async send(welcomeCode: string, userid: string, externalUserid: string): Promise<boolean> {
    const w = await this.settings.get<WelcomeSetting | null>(WELCOME_SETTING, null);
    if (!w?.enabled || (!w.text && !w.attachments?.length)) return false;
    try {
      await this.client.sendWelcomeMsg({
        welcome_code: welcomeCode,
        text: w.text ? { content: w.text } : undefined,
        attachments: w.attachments,
      });
      return true;
    } catch (err) {
      // 41050 expired, 41051 already chatting: nothing to retry; anything else is logged too
      if (err instanceof WecomError)
        this.log.warn({ errcode: err.errcode, userid, externalUserid }, "welcome message not sent");
      else throw err;
      return false;
    }
  }
}
