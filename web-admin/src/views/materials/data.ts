import type { MaterialContent, MaterialType, MaterialView } from "@/api/materials";

/** Every field any material type has, edited in one flat form; contentOf() keeps what the type needs. */
export interface MaterialForm {
  title: string;
  folderId: number | null;
  keywords: string;
  type: MaterialType;
  text: string;
  image: string;
  url: string;
  linkTitle: string;
  desc: string;
  picUrl: string;
  appid: string;
  page: string;
  file: string;
  fileName: string;
  size: number;
}

export function emptyForm(type: MaterialType = "text", folderId: number | null = null): MaterialForm {
  return {
    title: "",
    folderId,
    keywords: "",
    type,
    text: "",
    image: "",
    url: "",
    linkTitle: "",
    desc: "",
    picUrl: "",
    appid: "",
    page: "",
    file: "",
    fileName: "",
    size: 0,
  };
}

export function formOf(m: MaterialView): MaterialForm {
  const f = emptyForm(m.type, m.folderId);
  f.title = m.title;
  f.keywords = m.keywords ?? "";
  const c = m.content;
  switch (c.type) {
    case "text":
      f.text = c.text;
      break;
    case "image":
      Object.assign(f, { image: c.image, text: c.text ?? "" });
      break;
    case "link":
      Object.assign(f, {
        linkTitle: c.title,
        desc: c.desc ?? "",
        url: c.url,
        picUrl: c.picUrl ?? "",
        text: c.text ?? "",
      });
      break;
    case "miniprogram":
      Object.assign(f, { linkTitle: c.title, appid: c.appid, page: c.page, picUrl: c.picUrl });
      break;
    case "file":
      Object.assign(f, { file: c.file, fileName: c.fileName, size: c.size });
      break;
  }
  return f;
}

const opt = (s: string) => (s.trim() ? s : undefined);

/** The content the server stores for the form's type; optional empty fields are left out. */
export function contentOf(f: MaterialForm): MaterialContent {
  switch (f.type) {
    case "text":
      return { type: "text", text: f.text };
    case "image":
      return { type: "image", image: f.image, ...(opt(f.text) ? { text: f.text } : {}) };
    case "link":
      return {
        type: "link",
        title: f.linkTitle,
        url: f.url,
        ...(opt(f.desc) ? { desc: f.desc } : {}),
        ...(opt(f.picUrl) ? { picUrl: f.picUrl } : {}),
        ...(opt(f.text) ? { text: f.text } : {}),
      };
    case "miniprogram":
      return { type: "miniprogram", title: f.linkTitle, appid: f.appid, page: f.page, picUrl: f.picUrl };
    case "file":
      return { type: "file", file: f.file, fileName: f.fileName, size: f.size };
  }
}

/** Server field names (content.title) → the form's (linkTitle). */
export function formErrors(fields: { field: string; reason: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, reason } of fields) {
    let key = field.replace(/^content\./, "");
    if (key === "title" && field.startsWith("content.")) key = "linkTitle";
    out[key] ??= reason;
  }
  return out;
}

/** Text with a token put in place of the selection [start, end); returns the new text and caret. */
export function insertToken(text: string, token: string, start: number, end = start): { text: string; caret: number } {
  const a = Math.max(0, Math.min(start, text.length));
  const b = Math.max(a, Math.min(end, text.length));
  return { text: text.slice(0, a) + token + text.slice(b), caret: a + token.length };
}

/** One line for the library list. */
export function summary(c: MaterialContent): string {
  switch (c.type) {
    case "text":
      return c.text;
    case "image":
      return c.text ?? c.image;
    case "link":
    case "miniprogram":
      return c.title;
    case "file":
      return c.fileName;
  }
}

/** Bytes as people read them. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
