import type { AddMsgTemplateRequest, GroupmsgListItem } from "../../wecom/wecom-types.ts";
import type { MaterialContent } from "../materials/material.schemas.ts";

/** WeCom's limit of recipients per add_msg_template (wecom.md §5.1). */
export const MASS_SEND_MAX_RECIPIENTS = 10_000;

export type MassSendContent = Pick<AddMsgTemplateRequest, "text" | "attachments">;

/**
 * The text and attachment of a rendered text or link material, as add_msg_template takes them.
 * A relative picture (an upload) is made absolute with the public URL: WeCom fetches it.
 */
export function massSendContent(m: MaterialContent, publicUrl: string): MassSendContent {
  if (m.type === "text") return { text: { content: m.text } };
  if (m.type === "link") {
    const pic = m.picUrl ? (m.picUrl.startsWith("/") ? `${publicUrl}${m.picUrl}` : m.picUrl) : undefined;
    return {
      ...(m.text ? { text: { content: m.text } } : {}),
      attachments: [
        {
          msgtype: "link",
          link: { title: m.title, url: m.url, ...(m.desc ? { desc: m.desc } : {}), ...(pic ? { picurl: pic } : {}) },
        },
      ],
    };
  }
  throw new Error(`a mass send cannot carry a ${m.type} material`);
}

/**
 * Whether a mass send WeCom lists (get_groupmsg_list_v2) carries this content: the same text and
 * the same kinds of attachment. WeCom answers attachments with its own media ids, so their
 * payloads are not compared; a link's title and url are.
 */
export function listsSameContent(item: GroupmsgListItem, content: MassSendContent): boolean {
  if ((item.text?.content ?? "") !== (content.text?.content ?? "")) return false;
  const theirs = item.attachments ?? [];
  const ours = content.attachments ?? [];
  if (theirs.length !== ours.length) return false;
  return ours.every((a, i) => {
    const t = theirs[i] as { msgtype?: string; link?: { title?: string; url?: string } };
    if (t.msgtype !== a.msgtype) return false;
    return a.msgtype !== "link" || (t.link?.title === a.link.title && t.link?.url === a.link.url);
  });
}
