import { randomBytes, timingSafeEqual } from "node:crypto";
import { decrypt, encrypt, getSignature } from "@wecom/crypto";

/**
 * The WeCom callback protocol (wecom.md §8): SHA-1 signature over the sorted (token, timestamp,
 * nonce, ciphertext), AES-256-CBC with 32-byte-block PKCS#7 via @wecom/crypto, and the check that
 * @wecom/crypto leaves to its caller: the receiveid must be our corp id.
 */
export class CallbackCryptoError extends Error {
  constructor(
    readonly reason: "bad_signature" | "bad_ciphertext" | "wrong_receiver",
    message: string,
  ) {
    super(message);
    this.name = "CallbackCryptoError";
  }
}

export interface SignedQuery {
  msg_signature: string;
  timestamp: string;
  nonce: string;
}

export class CallbackCrypto {
  constructor(
    private readonly token: string,
    private readonly encodingAesKey: string,
    private readonly receiveId: string,
  ) {}

  /** GET URL verification: returns the plaintext to echo back. Query values already URL-decoded. */
  verifyUrl(q: SignedQuery & { echostr: string }): string {
    this.checkSignature(q, q.echostr);
    return this.open(q.echostr);
  }

  /** POST: `encrypted` is the <Encrypt> element of the body; returns the plaintext event XML. */
  decryptMessage(q: SignedQuery, encrypted: string): string {
    this.checkSignature(q, encrypted);
    return this.open(encrypted);
  }

  /** What WeCom (or our simulator) sends: the ciphertext and a signature over it. */
  seal(
    plaintext: string,
    timestamp: string,
    nonce: string,
    random: Buffer = randomBytes(16),
  ): { encrypt: string; signature: string } {
    const enc = encrypt(this.encodingAesKey, plaintext, this.receiveId, random);
    return { encrypt: enc, signature: getSignature(this.token, timestamp, nonce, enc) };
  }

  private checkSignature(q: SignedQuery, encrypted: string): void {
    const expected = Buffer.from(getSignature(this.token, q.timestamp, q.nonce, encrypted));
    const given = Buffer.from(String(q.msg_signature ?? "").toLowerCase());
    if (expected.length !== given.length || !timingSafeEqual(expected, given))
      throw new CallbackCryptoError("bad_signature", "msg_signature does not match");
  }

  private open(encrypted: string): string {
    let message: string, id: string;
    try {
      const raw = Buffer.from(encrypted, "base64");
      if (raw.length === 0 || raw.length % 32 !== 0) throw new Error("ciphertext is not whole 32-byte blocks");
      ({ message, id } = decrypt(this.encodingAesKey, encrypted));
    } catch (err) {
      throw new CallbackCryptoError("bad_ciphertext", `cannot decrypt: ${(err as Error).message}`);
    }
    if (id !== this.receiveId) throw new CallbackCryptoError("wrong_receiver", "receiveid does not match the corp id");
    return message;
  }
}
