import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { DataSource, Repository } from "typeorm";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import type { Limit, RateLimiter } from "../../http/rate-limiter.ts";
import type { Clock } from "../../platform/clock.ts";
import { AuditLog } from "../audit/audit-log.entity.ts";
import { ApiKey } from "../auth/user.entity.ts";
import {
  createApiKeySchema,
  type ApiKeyPrincipal,
  type ApiKeyScope,
  type ApiKeyView,
  type CreateApiKeyInput,
} from "./api-keys.schemas.ts";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
export const KEY_PREFIX = "sk_live_";
const KEY_FORMAT = /^sk_live_[0-9A-Za-z]{32}$/;
/** last_used_at is written at most this often per key */
const TOUCH_MS = 60_000;

/** `sk_live_` + 32 base62 characters (about 190 bits), uniform by rejection sampling. */
export function generateApiKey(random: (n: number) => Buffer = randomBytes): string {
  let out = "";
  while (out.length < 32)
    for (const b of random(48)) {
      if (b < 248 && out.length < 32) out += BASE62[b % 62]; // 248 = 4 * 62: no modulo bias
    }
  return KEY_PREFIX + out;
}

export const hashApiKey = (key: string): string => createHash("sha256").update(key, "utf8").digest("hex");

/** Who does what to a key, for the audit log. */
export interface Actor {
  userId: number;
  ip: string | null;
}

/**
 * API keys for the orders API: created by an hq_admin, shown in plain text once, stored as the
 * SHA-256 of the key (the key is random, so a fast hash is enough) with its first 12 characters
 * to recognise it; revoked keys stay listed. Creating and revoking are audited.
 */
export class ApiKeyService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
    private readonly limiter?: { limiter: RateLimiter; limit: Limit },
  ) {}

  /** Counts a request of the key; 429 past its per-window limit. */
  async admit(principal: ApiKeyPrincipal): Promise<void> {
    if (this.limiter) await this.limiter.limiter.hit(`api-key:${principal.id}`, this.limiter.limit);
  }

  async create(input: CreateApiKeyInput, actor: Actor): Promise<{ apiKey: ApiKeyView; key: string }> {
    const data = parseInput(createApiKeySchema, input, "API key");
    const key = generateApiKey();
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      const row = await em.getRepository(ApiKey).save(
        em.getRepository(ApiKey).create({
          name: data.name,
          prefix: key.slice(0, 12),
          keyHash: hashApiKey(key),
          scopes: [...new Set(data.scopes)].join(","),
          createdBy: actor.userId,
          lastUsedAt: null,
          revokedAt: null,
          createdAt: now,
        }),
      );
      await this.audit(em.getRepository(AuditLog), "api_key.create", row, actor, now);
      return { apiKey: view(row), key };
    });
  }

  async list(q: { page: number; pageSize: number }) {
    const [rows, total] = await this.ds.getRepository(ApiKey).findAndCount({
      order: { id: "DESC" },
      skip: (q.page - 1) * q.pageSize,
      take: q.pageSize,
    });
    return { items: rows.map(view), page: q.page, pageSize: q.pageSize, total };
  }

  /** Revokes a key (again: no change). */
  async revoke(id: number, actor: Actor): Promise<ApiKeyView> {
    const now = this.clock.now();
    return this.ds.transaction(async (em) => {
      const repo = em.getRepository(ApiKey);
      const row = await repo.findOneBy({ id });
      if (!row) throw new NotFoundError(`No API key ${id}`);
      if (row.revokedAt) return view(row);
      row.revokedAt = now;
      await repo.update({ id }, { revokedAt: now });
      await this.audit(em.getRepository(AuditLog), "api_key.revoke", row, actor, now);
      return view(row);
    });
  }

  /** The key's principal, or null when it is malformed, unknown or revoked. */
  async authenticate(key: string): Promise<ApiKeyPrincipal | null> {
    if (!KEY_FORMAT.test(key)) return null;
    const hash = hashApiKey(key);
    const row = await this.ds.getRepository(ApiKey).findOneBy({ keyHash: hash });
    // the lookup goes by hash (an index, nothing a caller can time); compare again in constant time
    if (!row || !timingSafeEqual(Buffer.from(row.keyHash), Buffer.from(hash)) || row.revokedAt) return null;
    const now = this.clock.now();
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= TOUCH_MS)
      await this.ds.getRepository(ApiKey).update({ id: row.id }, { lastUsedAt: now });
    return { id: row.id, name: row.name, prefix: row.prefix, scopes: scopesOf(row) };
  }

  private async audit(repo: Repository<AuditLog>, action: string, row: ApiKey, actor: Actor, now: Date): Promise<void> {
    await repo.insert({
      actorType: "user",
      actorId: String(actor.userId),
      action,
      entity: "api_key",
      entityId: String(row.id),
      details: { name: row.name, prefix: row.prefix },
      ip: actor.ip?.slice(0, 64) ?? null,
      createdAt: now,
    });
  }
}

const scopesOf = (row: ApiKey) => row.scopes.split(",").filter(Boolean) as ApiKeyScope[];

function view(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: scopesOf(row),
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}
