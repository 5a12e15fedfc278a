import { CallbackCrypto } from "../callback-crypto.ts";
import type { SimState } from "./model.ts";

/** A field of an event: text goes into CDATA, numbers and versions are bare, lists become <Item>s. */
export type XmlField = string | { bare: string | number } | { items: string[] };

const cdata = (v: string) => `<![CDATA[${v.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;
const xmlEscape = (v: string) => v.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The decrypted event XML in the self-built-app format of wecom.md §8.5, fields in the given order. */
export function eventXml(corpId: string, createTime: number, event: string, fields: [string, XmlField][]): string {
  const parts = [
    `<ToUserName>${cdata(corpId)}</ToUserName>`,
    `<FromUserName>${cdata("sys")}</FromUserName>`,
    `<CreateTime>${createTime}</CreateTime>`,
    `<MsgType>${cdata("event")}</MsgType>`,
    `<Event>${cdata(event)}</Event>`,
    ...fields.map(([name, v]) => {
      if (typeof v === "string") return `<${name}>${cdata(v)}</${name}>`;
      if ("bare" in v) return `<${name}>${xmlEscape(String(v.bare))}</${name}>`;
      return `<${name}>${v.items.map((i) => `<Item>${xmlEscape(i)}</Item>`).join("")}</${name}>`;
    }),
  ];
  return `<xml>${parts.join("")}</xml>`;
}

export interface Delivery {
  status: number;
  body: string;
}

/**
 * Encrypts, signs and POSTs an event to the callback URL the way WeCom does. `times` re-sends the
 * identical signed body, as WeCom's retries would; the first response is returned.
 */
export class CallbackSender {
  private nonceSeq = 0;

  constructor(
    private readonly state: SimState,
    private readonly now: () => number,
  ) {}

  async deliver(xmlPlaintext: string, opts: { times?: number } = {}): Promise<Delivery> {
    const url = this.state.callbackUrl;
    if (!url) throw new Error("no callback URL set: call setCallbackUrl first");
    const { corpId, agentId, callbackToken, callbackAesKey } = this.state.corp;
    const crypto = new CallbackCrypto(callbackToken, callbackAesKey, corpId);
    const timestamp = String(Math.floor(this.now() / 1000));
    const nonce = String(1_000_000_000 + ++this.nonceSeq);
    const { encrypt, signature } = crypto.seal(xmlPlaintext, timestamp, nonce);
    const body = `<xml><ToUserName>${cdata(corpId)}</ToUserName><Encrypt>${cdata(encrypt)}</Encrypt><AgentID>${cdata(String(agentId))}</AgentID></xml>`;
    const target = new URL(url);
    target.searchParams.set("msg_signature", signature);
    target.searchParams.set("timestamp", timestamp);
    target.searchParams.set("nonce", nonce);

    const responses: Delivery[] = [];
    for (let i = 0; i < Math.max(1, opts.times ?? 1); i++) {
      const res = await fetch(target, { method: "POST", headers: { "content-type": "text/xml" }, body });
      responses.push({ status: res.status, body: await res.text() });
    }
    return responses[0]!;
  }
}
