import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";

const PREFIX = "v1:";

/**
 * Encrypts secrets kept in the database (WeCom app secret, callback token and AES key) with
 * AES-256-GCM under SECRETS_KEY (32 bytes given as 64 hex characters; in simulator mode generated
 * once into DATA_DIR/local-secrets.json). A stored value is `v1:` + base64(iv 12 | tag 16 | data):
 * a fresh random IV each time, and the tag makes any tampering fail to decrypt.
 */
export class SecretBox {
  private readonly key: Buffer;

  constructor(secretsKey: string) {
    // a 64-hex key is used as it is; anything else (tests' throwaway keys) is hashed to 32 bytes
    this.key = /^[0-9a-fA-F]{64}$/.test(secretsKey)
      ? Buffer.from(secretsKey, "hex")
      : createHash("sha256").update(secretsKey).digest();
  }

  encrypt(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64");
  }

  /** The plain text, or null when the value is not ours or the key changed (never throws). */
  decrypt(stored: string): string | null {
    if (!stored.startsWith(PREFIX)) return null;
    const raw = Buffer.from(stored.slice(PREFIX.length), "base64");
    if (raw.length < 28) return null;
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
    } catch {
      return null;
    }
  }
}

/** `****abcd`: the last four characters of a long enough secret, nothing of a short one. */
export function maskSecret(value: string | null | undefined): string | null {
  if (!value) return null;
  return value.length >= 12 ? `****${value.slice(-4)}` : "****";
}
