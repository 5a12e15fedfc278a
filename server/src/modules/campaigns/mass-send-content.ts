import { createHash } from "node:crypto";
import type { AddMsgTemplateRequest } from "../../wecom/wecom-types.ts";
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
 * A fingerprint of a mass send's content that WeCom's list (get_groupmsg_list_v2) gives back
 * unchanged: the text, each attachment's kind, and a link's title and url. WeCom answers other
 * attachments with its own media ids, so their payloads are left out. The same for what Siyu sent
 * and for what WeCom lists.
 */
export function massSendKey(content: { text?: { content: string }; attachments?: readonly object[] }): string {
  const parts = [
    content.text?.content ?? "",
    ...(content.attachments ?? []).map((a) => {
      const x = a as { msgtype?: string; link?: { title?: string; url?: string } };
      return x.msgtype === "link" ? ["link", x.link?.title ?? "", x.link?.url ?? ""] : [x.msgtype ?? ""];
    }),
  ];
  return createHash("sha256").update(JSON.stringify(parts)).digest("hex");
}
