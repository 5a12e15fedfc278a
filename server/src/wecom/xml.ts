/**
 * WeCom's callback XML is flat: <xml> with leaf elements (text or CDATA) and, for MemChangeList,
 * a list of <Item> children (older payloads put a comma-separated list in one CDATA). This reads
 * exactly that shape; anything else is refused rather than guessed at.
 */
export type XmlValue = string | string[];

const CDATA = /^<!\[CDATA\[([\s\S]*?)\]\]>$/;

function text(raw: string): string {
  const t = raw.trim();
  const m = CDATA.exec(t);
  if (m) return m[1]!;
  return t
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, "&");
}

export function parseWecomXml(xml: string): Record<string, XmlValue> {
  const body = /^\s*(?:<\?xml[^>]*\?>\s*)?<xml>([\s\S]*)<\/xml>\s*$/.exec(xml);
  if (!body) throw new Error("not a WeCom XML document");
  const out: Record<string, XmlValue> = {};
  const element = /<([A-Za-z][A-Za-z0-9_]*)>((?:<!\[CDATA\[[\s\S]*?\]\]>|[^<]|<(?!\/\1>))*)<\/\1>/g;
  let m: RegExpExecArray | null;
  while ((m = element.exec(body[1]!))) {
    const [, name, inner] = m as unknown as [string, string, string];
    if (/^\s*<Item>/.test(inner)) {
      out[name] = [...inner.matchAll(/<Item>([\s\S]*?)<\/Item>/g)].map((i) => text(i[1]!));
    } else {
      out[name] = text(inner);
    }
  }
  return out;
}

/** The one element of a POST body we need before decryption. */
export function encryptedPart(xml: string): string {
  const value = parseWecomXml(xml).Encrypt;
  if (typeof value !== "string" || !value) throw new Error("no <Encrypt> element");
  return value;
}

export function str(v: XmlValue | undefined): string | undefined {
  return typeof v === "string" ? v : undefined;
}

/** MemChangeList as a list, whichever of its two historic forms arrived. */
export function list(v: XmlValue | undefined): string[] {
  if (Array.isArray(v)) return v;
  if (typeof v === "string" && v)
    return v
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  return [];
}
