import type { MaterialContent } from "@/api/types";
import type { ChatMessage } from "@/wecom/types";

/** Our own uploads are stored as "/uploads/…"; WeCom needs absolute http(s) URLs. */
export function absoluteUrl(url: string | undefined, origin: string): string {
  if (!url) return "";
  return url.startsWith("/") ? `${origin}${url}` : url;
}

/**
 * The chat messages that send one rendered material: the optional text first, then the card or
 * picture. A file goes as a link to it (sendChatMessage has no file message for H5 pages).
 */
export function materialToMessages(content: MaterialContent, origin: string): ChatMessage[] {
  const abs = (u: string | undefined) => absoluteUrl(u, origin);
  const lead: ChatMessage[] =
    "text" in content && content.type !== "text" && content.text ? [{ type: "text", content: content.text }] : [];
  switch (content.type) {
    case "text":
      return [{ type: "text", content: content.text }];
    case "image":
      return [...lead, { type: "image", imgUrl: abs(content.image) }];
    case "link":
      return [
        ...lead,
        {
          type: "news",
          title: content.title,
          desc: content.desc ?? "",
          link: content.url,
          imgUrl: abs(content.picUrl),
        },
      ];
    case "miniprogram":
      return [
        {
          type: "miniprogram",
          appid: content.appid,
          title: content.title,
          imgUrl: abs(content.picUrl),
          page: content.page,
        },
      ];
    case "file":
      return [{ type: "news", title: content.fileName, desc: "", link: abs(content.file), imgUrl: "" }];
  }
}

/** A one-line summary of a material for lists. */
export function materialSummary(content: MaterialContent): string {
  switch (content.type) {
    case "text":
      return content.text;
    case "image":
      return content.text ?? "";
    case "link":
      return content.desc ?? content.url;
    case "miniprogram":
      return content.page;
    case "file":
      return content.fileName;
  }
}
