import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { AppError, PayloadTooLargeError, ValidationError } from "../../http/errors.ts";
import { CallbackCryptoError, type CallbackCrypto } from "../../wecom/callback-crypto.ts";
import { encryptedPart } from "../../wecom/xml.ts";
import type { EventInbox } from "./event-inbox.ts";

const MAX_BODY = 64 * 1024;

class CallbackRefused extends AppError {
  constructor(message: string) {
    super(403, "callback_refused", message);
  }
}

function signedQuery(q: Record<string, string | string[] | undefined>) {
  const one = (k: string) => {
    const v = q[k];
    if (typeof v !== "string" || !v)
      throw new ValidationError(`${k} is required`, [{ field: k, reason: "is required" }]);
    return v;
  };
  return { msg_signature: one("msg_signature"), timestamp: one("timestamp"), nonce: one("nonce") };
}

async function readBody(req: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new PayloadTooLargeError("callback body is too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/**
 * GET answers WeCom's URL verification with the bare plaintext; POST verifies and decrypts, stores
 * the event, answers 200 "success" at once and leaves the work to `afterAck` (WeCom re-sends
 * anything not acknowledged within 5 s). A forged or undecryptable message gets 403 and nothing
 * is stored.
 */
export function callbackRoutes(
  crypto: () => CallbackCrypto | null,
  inbox: EventInbox,
  afterAck: (eventId: number) => void,
): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/wecom/callback" });
  const refuse = (err: unknown): never => {
    if (err instanceof CallbackCryptoError) throw new CallbackRefused(`callback refused: ${err.reason}`);
    throw err;
  };

  r.get("/", (ctx) => {
    const c = crypto();
    if (!c) throw new CallbackRefused("callbacks are not configured");
    const echostr = ctx.query.echostr;
    if (typeof echostr !== "string" || !echostr)
      throw new ValidationError("echostr is required", [{ field: "echostr", reason: "is required" }]);
    let plain = "";
    try {
      plain = c.verifyUrl({ ...signedQuery(ctx.query), echostr });
    } catch (err) {
      refuse(err);
    }
    ctx.type = "text/plain";
    ctx.body = plain;
  });

  r.post("/", async (ctx) => {
    const c = crypto();
    if (!c) throw new CallbackRefused("callbacks are not configured");
    const q = signedQuery(ctx.query);
    const body = await readBody(ctx.req);
    let encrypted: string;
    try {
      encrypted = encryptedPart(body);
    } catch {
      throw new ValidationError("body is not a WeCom callback message", [{ field: "Encrypt", reason: "missing" }]);
    }
    let plaintext = "";
    try {
      plaintext = c.decryptMessage(q, encrypted);
    } catch (err) {
      refuse(err);
    }
    const { id, isNew } = await inbox.store(plaintext);
    ctx.state.log.info({ eventId: id, duplicate: !isNew }, "WeCom callback stored");
    ctx.type = "text/plain";
    ctx.body = "success";
    if (isNew) setImmediate(() => afterAck(id));
  });
  return r;
}
