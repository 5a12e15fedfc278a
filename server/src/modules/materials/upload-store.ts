import { createHash } from "node:crypto";
import { mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PayloadTooLargeError, ValidationError } from "../../http/errors.ts";

/** What may be uploaded, by content type: the file ending and the size limit. */
export const UPLOAD_TYPES: Record<string, { ext: string; maxBytes: number }> = {
  "image/png": { ext: "png", maxBytes: 2 * 1024 * 1024 },
  "image/jpeg": { ext: "jpg", maxBytes: 2 * 1024 * 1024 },
  "image/gif": { ext: "gif", maxBytes: 2 * 1024 * 1024 },
  "image/webp": { ext: "webp", maxBytes: 2 * 1024 * 1024 },
  "application/pdf": { ext: "pdf", maxBytes: 20 * 1024 * 1024 },
  "video/mp4": { ext: "mp4", maxBytes: 20 * 1024 * 1024 },
};

// the first bytes each type must start with, so a renamed file is refused
const MAGIC: Record<string, (b: Buffer) => boolean> = {
  "image/png": (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  "image/jpeg": (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  "image/gif": (b) => b.subarray(0, 4).toString("latin1") === "GIF8",
  "image/webp": (b) =>
    b.subarray(0, 4).toString("latin1") === "RIFF" && b.subarray(8, 12).toString("latin1") === "WEBP",
  "application/pdf": (b) => b.subarray(0, 5).toString("latin1") === "%PDF-",
  "video/mp4": (b) => b.subarray(4, 8).toString("latin1") === "ftyp",
};

/** Material files under DATA_DIR/uploads, named by their SHA-256 (the same file is stored once). */
export class UploadStore {
  private readonly dir: string;
  constructor(dataDir: string) {
    this.dir = join(dataDir, "uploads");
  }

  static maxBytes(): number {
    return Math.max(...Object.values(UPLOAD_TYPES).map((t) => t.maxBytes));
  }

  async save(contentType: string, body: Buffer): Promise<{ path: string; size: number; type: string }> {
    const type = contentType.split(";")[0]!.trim().toLowerCase();
    const rule = UPLOAD_TYPES[type];
    if (!rule)
      throw new ValidationError(`Files of type ${type || "(none)"} cannot be uploaded`, [
        { field: "content-type", reason: `allowed: ${Object.keys(UPLOAD_TYPES).join(", ")}` },
      ]);
    if (body.length === 0) throw new ValidationError("The file is empty", [{ field: "body", reason: "is empty" }]);
    if (body.length > rule.maxBytes)
      throw new PayloadTooLargeError(`A ${type} file may be at most ${rule.maxBytes / 1024 / 1024} MB`);
    if (!MAGIC[type]!(body))
      throw new ValidationError(`The file is not a ${type} file`, [
        { field: "body", reason: `content does not match ${type}` },
      ]);
    const name = `${createHash("sha256").update(body).digest("hex")}.${rule.ext}`;
    await mkdir(this.dir, { recursive: true });
    await writeFile(join(this.dir, name), body);
    return { path: `/uploads/${name}`, size: body.length, type };
  }

  /** Reads an uploaded file by its name; null when the name is not one of ours. */
  async read(name: string): Promise<{ body: Buffer; type: string } | null> {
    const m = /^[a-f0-9]{64}\.([a-z0-9]{2,5})$/.exec(name);
    if (!m) return null;
    const type = Object.entries(UPLOAD_TYPES).find(([, r]) => r.ext === m[1])?.[0];
    if (!type) return null;
    try {
      await stat(join(this.dir, name));
      return { body: await readFile(join(this.dir, name)), type };
    } catch {
      return null;
    }
  }
}
