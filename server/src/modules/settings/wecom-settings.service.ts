import type { DataSource } from "typeorm";
import { systemClock, type Clock } from "../../platform/clock.ts";
import type { Config } from "../../config/config.ts";
import { ValidationError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import type { AuditActor, AuditService } from "../audit/audit.service.ts";
import { Setting } from "./setting.entity.ts";
import { maskSecret, type SecretBox } from "./secret-box.ts";
import type { SettingsService } from "./settings.service.ts";
import {
  SECRET_FIELDS,
  WECOM_FIELDS,
  wecomSettingsPatch,
  type SettingSource,
  type WecomField,
  type WecomSettingsView,
} from "./settings.schemas.ts";

export const WECOM_SETTING = "wecom.app";

const ENV_NAMES: Record<WecomField, string> = {
  corpId: "WECOM_CORP_ID",
  agentId: "WECOM_AGENT_ID",
  secret: "WECOM_SECRET",
  callbackToken: "WECOM_CALLBACK_TOKEN",
  callbackAesKey: "WECOM_CALLBACK_AES_KEY",
};

/** The row as stored: secrets only as SecretBox ciphertext. */
interface StoredWecom {
  corpId?: string;
  agentId?: number;
  secret?: string;
  callbackToken?: string;
  callbackAesKey?: string;
}

export interface EffectiveWecom {
  corpId: string | undefined;
  agentId: number | undefined;
  secret: string | undefined;
  callbackToken: string | undefined;
  callbackAesKey: string | undefined;
}

/**
 * The WeCom app settings of the settings page. The environment wins: a field set by a WECOM_*
 * variable is shown with source `env` and cannot be changed here; other fields may be stored in
 * the `settings` table, secrets encrypted (SecretBox). `effective()` is env ?? database.
 * The WeCom client asks `effective()` before every call (app.ts wires it), so a corp id, secret or
 * agent id saved here is used by the next call; fields neither source sets fall back to what the
 * client was built with (the simulator's corp in simulator mode). The callback token and AES key
 * are still read at start-up.
 */
export class WecomSettingsService {
  constructor(
    private readonly ds: DataSource,
    private readonly settings: SettingsService,
    private readonly box: SecretBox,
    private readonly config: Config,
    private readonly audit: AuditService,
    private readonly publicUrl: string,
    private readonly clock: Clock = systemClock,
  ) {}

  /** effective() read at most this often: the WeCom client asks before every call */
  private static readonly TTL_MS = 5_000;
  private cached: { at: number; value: EffectiveWecom } | null = null;

  async view(): Promise<WecomSettingsView> {
    const row = await this.ds.getRepository(Setting).findOneBy({ name: WECOM_SETTING });
    const stored = (row?.value ?? {}) as StoredWecom;
    const env = this.config.wecom;
    const source = (field: WecomField): SettingSource =>
      env[field] !== undefined ? "env" : stored[field] !== undefined ? "database" : "unset";
    const secret = (field: "secret" | "callbackToken" | "callbackAesKey") => ({
      masked: maskSecret(env[field] ?? (stored[field] !== undefined ? this.box.decrypt(stored[field]) : null)),
      source: source(field),
      env: ENV_NAMES[field],
    });
    return {
      mode: env.mode,
      corpId: { value: env.corpId ?? stored.corpId ?? null, source: source("corpId"), env: ENV_NAMES.corpId },
      agentId: { value: env.agentId ?? stored.agentId ?? null, source: source("agentId"), env: ENV_NAMES.agentId },
      secret: secret("secret"),
      callbackToken: secret("callbackToken"),
      callbackAesKey: secret("callbackAesKey"),
      callbackUrl: `${this.publicUrl.replace(/\/$/, "")}/wecom/callback`,
      updatedAt: row?.updatedAt.toISOString() ?? null,
      updatedBy: row?.updatedBy ?? null,
    };
  }

  /** Stores the given fields (null clears one); fields the environment sets are refused. */
  async update(input: unknown, actor: AuditActor & { username: string }): Promise<WecomSettingsView> {
    const patch = parseInput(wecomSettingsPatch, input, "WeCom settings");
    const env = this.config.wecom;
    const fromEnv = WECOM_FIELDS.filter((f) => patch[f] !== undefined && env[f] !== undefined);
    if (fromEnv.length)
      throw new ValidationError(
        `Set by the environment, which wins: ${fromEnv.map((f) => ENV_NAMES[f]).join(", ")}`,
        fromEnv.map((f) => ({ field: f, reason: `is set by ${ENV_NAMES[f]} in the environment` })),
      );
    const stored = { ...(await this.settings.get<StoredWecom>(WECOM_SETTING, {})) };
    const changed: string[] = [];
    const details: Record<string, unknown> = {};
    for (const field of WECOM_FIELDS) {
      const value = patch[field];
      if (value === undefined) continue;
      changed.push(field);
      const row = stored as Record<string, unknown>;
      if (value === null) {
        delete row[field];
        details[field] = null;
      } else if (SECRET_FIELDS.includes(field)) {
        row[field] = this.box.encrypt(String(value));
        details[field] = maskSecret(String(value)); // the audit log sees the mask only
      } else {
        row[field] = value;
        details[field] = value;
      }
    }
    if (changed.length) {
      await this.settings.set(WECOM_SETTING, stored, actor.username);
      this.cached = null; // this instance uses the change at once; others within the TTL
      await this.audit.record(
        actor,
        "settings.wecom.update",
        { entity: "settings", id: WECOM_SETTING },
        {
          changed,
          ...details,
        },
      );
    }
    return this.view();
  }

  /**
   * The values in effect: the environment, else the settings page (decrypted). Kept for a few
   * seconds, so that a sync's thousands of calls do not each read and decrypt the settings.
   */
  async effective(): Promise<EffectiveWecom> {
    const now = this.clock.now().getTime();
    if (this.cached && now - this.cached.at < WecomSettingsService.TTL_MS) return this.cached.value;
    const value = await this.read();
    this.cached = { at: now, value };
    return value;
  }

  private async read(): Promise<EffectiveWecom> {
    const stored = await this.settings.get<StoredWecom>(WECOM_SETTING, {});
    const env = this.config.wecom;
    const open = (v: string | undefined) => (v === undefined ? undefined : (this.box.decrypt(v) ?? undefined));
    return {
      corpId: env.corpId ?? stored.corpId,
      agentId: env.agentId ?? stored.agentId,
      secret: env.secret ?? open(stored.secret),
      callbackToken: env.callbackToken ?? open(stored.callbackToken),
      callbackAesKey: env.callbackAesKey ?? open(stored.callbackAesKey),
    };
  }
}
