import type { Logger } from "pino";
import { transactionWithRetry } from "../../db/dialect.ts";
import type { DataSource } from "typeorm";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import { str, type XmlValue } from "../../wecom/xml.ts";
import { AuditLog } from "../audit/audit-log.entity.ts";
import { Customer } from "../customers/customer.entity.ts";
import { CustomerGroup } from "../groups/group.entity.ts";
import { ContactWriter, type ContactWithFollow } from "../wecom-sync/contact-writer.ts";
import { GroupWriter } from "../wecom-sync/group-writer.ts";
import { TagSyncWriter } from "../wecom-sync/tag-sync-writer.ts";
import type { WelcomeSender } from "./welcome-sender.ts";

/**
 * What each callback event does to the database (wecom.md §8.5). Events are hints where WeCom
 * says so: contacts and groups are re-read from the API rather than trusted from the event.
 */
export class WecomEventHandlers {
  constructor(
    private readonly ds: DataSource,
    private readonly client: WecomClient,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly welcome: WelcomeSender,
    /** after a group's row or members changed (group tags follow membership) */
    private readonly onGroupChanged: (chatId: string) => Promise<void> = async () => {},
  ) {}

  handle = async (e: Record<string, XmlValue>): Promise<void> => {
    const event = str(e.Event);
    if (event === "change_external_contact") return this.contact(e);
    if (event === "change_external_chat") return this.chat(e);
    if (event === "change_external_tag") return this.tags();
    this.log.info({ event, changeType: str(e.ChangeType) }, "WeCom event ignored");
  };

  private async contact(e: Record<string, XmlValue>): Promise<void> {
    const type = str(e.ChangeType);
    const userid = str(e.UserID) ?? "";
    const externalUserid = str(e.ExternalUserID) ?? "";
    const now = this.clock.now();
    if (type === "add_external_contact" || type === "add_half_external_contact") {
      // the welcome code lives 20 seconds: send before anything slower
      const code = str(e.WelcomeCode);
      if (code) await this.welcome.send(code, userid, externalUserid);
      return this.refreshContact(externalUserid);
    }
    if (type === "edit_external_contact") return this.refreshContact(externalUserid);
    if (type === "del_external_contact" || type === "del_follow_user") {
      const ids = await this.ids(userid, externalUserid);
      if (!ids) return;
      await new ContactWriter(this.ds.manager).endFollow(
        ids.customerId,
        ids.staffId,
        type === "del_external_contact" ? "deleted_by_staff" : "deleted_by_customer",
        now,
      );
      return;
    }
    if (type === "transfer_fail") {
      await this.ds.getRepository(AuditLog).insert({
        actorType: "system",
        actorId: "wecom",
        action: "wecom.transfer_fail",
        entity: "follow_relation",
        entityId: `${userid}:${externalUserid}`.slice(0, 64),
        details: { reason: str(e.FailReason) ?? "unknown" },
        ip: null,
        createdAt: now,
      });
    }
  }

  /** Re-reads one customer with all follow users (paging past 500 with next_cursor) and writes it. */
  private async refreshContact(externalUserid: string): Promise<void> {
    let cursor: string | undefined;
    const items: ContactWithFollow[] = [];
    try {
      do {
        const d = await this.client.getExternalContact(externalUserid, cursor);
        for (const f of d.follow_user)
          items.push({
            contact: d.external_contact,
            follow: { ...f, tag_id: f.tags?.filter((t) => t.type === 1 && t.tag_id).map((t) => t.tag_id!) },
          });
        cursor = d.next_cursor || undefined;
      } while (cursor);
    } catch (err) {
      // 84061: no relation any more (deleted meanwhile): the delete event will follow or has come
      if (err instanceof WecomError && err.errcode === 84061) return;
      throw err;
    }
    await transactionWithRetry(this.ds, (em) => new ContactWriter(em).upsertContacts(items, this.clock.now()));
  }

  private async chat(e: Record<string, XmlValue>): Promise<void> {
    if (await this.writeChat(e)) await this.onGroupChanged(str(e.ChatId) ?? "");
  }

  /** Applies a change_external_chat event; false when nothing needed writing. */
  private async writeChat(e: Record<string, XmlValue>): Promise<boolean> {
    const chatId = str(e.ChatId) ?? "";
    const type = str(e.ChangeType);
    if (type === "dismiss") {
      await new GroupWriter(this.ds.manager).dismiss(chatId, this.clock.now());
      return true;
    }
    const current = str(e.CurMemVer);
    if (type === "update" && current) {
      const local = await this.ds.getRepository(CustomerGroup).findOneBy({ chatId });
      const detail = str(e.UpdateDetail);
      const membersOnly = detail === "add_member" || detail === "del_member";
      if (local && membersOnly && local.memberVersion === current) return false; // already have that version
    }
    try {
      const detail = await this.client.groupChatGet(chatId);
      await transactionWithRetry(this.ds, (em) => new GroupWriter(em).upsertGroup(detail, 0, this.clock.now()));
      return true;
    } catch (err) {
      if (err instanceof WecomError && (err.errcode === 86003 || err.errcode === 90501)) {
        await new GroupWriter(this.ds.manager).dismiss(chatId, this.clock.now());
        return true;
      }
      throw err;
    }
  }

  private async tags(): Promise<void> {
    const groups = await this.client.getCorpTagList();
    await this.ds.transaction((em) => new TagSyncWriter(em).upsertCorpTags(groups, this.clock.now()));
  }

  private async ids(userid: string, externalUserid: string): Promise<{ customerId: number; staffId: number } | null> {
    const staff = await new ContactWriter(this.ds.manager).staffIds([userid]);
    const customer = await this.ds.getRepository(Customer).findOne({ select: { id: true }, where: { externalUserid } });
    if (!customer || !staff.has(userid)) return null;
    return { customerId: customer.id, staffId: staff.get(userid)! };
  }
}
