import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { dialectOf, execute, insertIgnore, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import type { TextCard } from "../../wecom/wecom-types.ts";
import { AppMessage } from "./app-message.entity.ts";

export interface SendOutcome {
  status: AppMessage["status"] | "duplicate";
  invalid: string[];
  unlicensed: string[];
}

/**
 * Text-card notifications to staff through the WeCom app (message/send). Each message is recorded
 * with who WeCom could not reach; WeCom lower-cases the userids it reports, so they are matched
 * back to ours case-insensitively. A dedupe key makes a notification go out once even when two
 * instances or a retried job try to send it.
 */
export class NotificationService {
  constructor(
    private readonly ds: DataSource,
    private readonly client: WecomClient,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async sendTextCard(
    kind: AppMessage["kind"],
    touser: string[],
    card: TextCard,
    dedupeKey?: string,
  ): Promise<SendOutcome> {
    const users = [...new Set(touser)];
    if (!users.length) return { status: "failed", invalid: [], unlicensed: [] };
    if (dedupeKey) {
      const claimed = await execute(
        this.ds,
        `${insertIgnore(dialectOf(this.ds))} INTO app_messages (kind, dedupe_key, touser, payload, status, created_at) VALUES (?, ?, ?, ?, 'sending', ?)`,
        [kind, dedupeKey, JSON.stringify(users), JSON.stringify(card), sqlTime(this.clock.now())],
      );
      if (!claimed) return { status: "duplicate", invalid: [], unlicensed: [] };
    }
    type Outcome = Pick<AppMessage, "status"> &
      Partial<Pick<AppMessage, "invalidUsers" | "unlicensedUsers" | "wecomMsgid" | "error">>;
    const record = async (fields: Outcome) => {
      const repo = this.ds.getRepository(AppMessage);
      if (dedupeKey) await repo.update({ dedupeKey }, fields);
      else
        await repo.insert({
          kind,
          dedupeKey: null,
          touser: users,
          payload: { ...card } as object as Record<string, never>,
          createdAt: this.clock.now(),
          invalidUsers: null,
          unlicensedUsers: null,
          wecomMsgid: null,
          error: null,
          ...fields,
        });
    };
    try {
      const r = await this.client.sendTextCard(users, card);
      const back = (field: string | undefined) => {
        const lower = new Set(
          (field ?? "")
            .split("|")
            .filter(Boolean)
            .map((u) => u.toLowerCase()),
        );
        return users.filter((u) => lower.has(u.toLowerCase()));
      };
      const invalid = back(r.invaliduser);
      const unlicensed = back(r.unlicenseduser);
      const status = invalid.length || unlicensed.length ? "partial" : "sent";
      await record({ status, invalidUsers: invalid, unlicensedUsers: unlicensed, wecomMsgid: r.msgid ?? null });
      if (status === "partial") this.log.warn({ kind, invalid, unlicensed }, "app message not delivered to some staff");
      return { status, invalid, unlicensed };
    } catch (err) {
      if (!(err instanceof WecomError)) throw err;
      // 81013: every receiver was invalid
      await record({
        status: "failed",
        error: `${err.errcode} ${err.errmsg}`.slice(0, 500),
        invalidUsers: err.errcode === 81013 ? users : null,
      });
      return { status: "failed", invalid: err.errcode === 81013 ? users : [], unlicensed: [] };
    }
  }
}
