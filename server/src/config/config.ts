import { existsSync, readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { z } from "zod";
import { parseDatabaseUrl, type DatabaseTarget } from "../db/database-url.ts";

/**
 * The one configuration module. Everything the server, the CLI and the tests need from the
 * environment is parsed here, once, and handed down as a plain object: nothing reads
 * process.env anywhere else.
 */

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const schema = z
  .object({
    PORT: z.coerce.number().int().min(0).max(65535).default(3000),
    HOST: z.string().min(1).default("0.0.0.0"),
    PUBLIC_URL: z.url().optional(),
    TRUST_PROXY: bool.optional(),
    DATABASE_URL: z.string().min(1).default("sqlite:./data/siyu.sqlite"),
    DATA_DIR: z.string().min(1).default("./data"),
    SESSION_SECRET: z.string().min(32, "must be at least 32 characters").optional(),
    SECRETS_KEY: z
      .string()
      .regex(/^[0-9a-fA-F]{64}$/, "must be 64 hex characters (32 bytes)")
      .optional(),
    WECOM_MODE: z.enum(["simulator", "live"]).default("simulator"),
    WECOM_CORP_ID: z.string().min(1).optional(),
    WECOM_AGENT_ID: z.coerce.number().int().positive().optional(),
    WECOM_SECRET: z.string().min(1).optional(),
    WECOM_CALLBACK_TOKEN: z
      .string()
      .regex(/^[A-Za-z0-9]{1,32}$/, "must be 1-32 letters or digits")
      .optional(),
    WECOM_CALLBACK_AES_KEY: z
      .string()
      .regex(/^[A-Za-z0-9]{43}$/, "must be 43 letters or digits")
      .optional(),
    WECOM_API_BASE: z.url().optional(),
    WECHATY_PUPPET: z.string().min(1).optional(),
    WECHATY_PUPPET_TOKEN: z.string().min(1).optional(),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    MIGRATE_ON_START: bool.default(true),
    SEED_DEMO_ON_START: bool.default(true),
  })
  .superRefine((env, ctx) => {
    if (env.WECOM_MODE !== "live") return;
    const required = [
      "WECOM_CORP_ID",
      "WECOM_AGENT_ID",
      "WECOM_SECRET",
      "WECOM_CALLBACK_TOKEN",
      "WECOM_CALLBACK_AES_KEY",
      "SESSION_SECRET",
      "SECRETS_KEY",
    ] as const;
    for (const key of required) {
      if (env[key] === undefined)
        ctx.addIssue({ code: "custom", path: [key], message: "is required when WECOM_MODE=live" });
    }
  });

export type RawEnv = Record<string, string | undefined>;

export interface Config {
  port: number;
  host: string;
  publicUrl: string | undefined;
  /**
   * Behind a reverse proxy that terminates TLS: trust X-Forwarded-Proto/-For (secure cookies, client
   * IP). TRUST_PROXY, or by default true exactly when PUBLIC_URL is https.
   */
  trustProxy: boolean;
  database: DatabaseTarget;
  dataDir: string;
  /** undefined in simulator mode until start-up fills in a generated, persisted secret */
  sessionSecret: string | undefined;
  secretsKey: string | undefined;
  logLevel: z.infer<typeof schema>["LOG_LEVEL"];
  migrateOnStart: boolean;
  seedDemoOnStart: boolean;
  wecom: {
    mode: "simulator" | "live";
    corpId: string | undefined;
    agentId: number | undefined;
    secret: string | undefined;
    callbackToken: string | undefined;
    callbackAesKey: string | undefined;
    apiBase: string | undefined;
  };
  wechaty: { puppet: string | undefined; puppetToken: string | undefined };
}

export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super("Invalid configuration:\n" + problems.map((p) => `  - ${p.variable}: ${p.message}`).join("\n"));
    this.name = "ConfigError";
  }
}

/** Reads KEY=VALUE lines of a .env file; the process environment wins over it. */
export function readDotEnv(path: string): RawEnv {
  if (!existsSync(path)) return {};
  return parseEnv(readFileSync(path, "utf8"));
}

export function loadConfig(env: RawEnv = process.env, dotEnvPath = resolve(".env")): Config {
  const merged: RawEnv = { ...readDotEnv(dotEnvPath), ...env };
  // Empty strings mean "not set", as in most .env files.
  for (const key of Object.keys(merged)) if (merged[key] === "") delete merged[key];
  const parsed = schema.safeParse(merged);
  const problems: { variable: string; message: string }[] = [];
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      problems.push({ variable: String(issue.path[0] ?? "?"), message: issue.message });
  }
  let database: DatabaseTarget | undefined;
  const dataDir = resolve(parsed.success ? parsed.data.DATA_DIR : (merged.DATA_DIR ?? "./data"));
  try {
    database = parseDatabaseUrl(merged.DATABASE_URL ?? "sqlite:./data/siyu.sqlite");
  } catch (err) {
    problems.push({ variable: "DATABASE_URL", message: (err as Error).message });
  }
  if (problems.length > 0 || !parsed.success || !database) throw new ConfigError(problems);
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    publicUrl: e.PUBLIC_URL,
    trustProxy: e.TRUST_PROXY ?? Boolean(e.PUBLIC_URL?.startsWith("https:")),
    database,
    dataDir,
    sessionSecret: e.SESSION_SECRET,
    secretsKey: e.SECRETS_KEY,
    logLevel: e.LOG_LEVEL,
    migrateOnStart: e.MIGRATE_ON_START,
    seedDemoOnStart: e.SEED_DEMO_ON_START,
    wecom: {
      mode: e.WECOM_MODE,
      corpId: e.WECOM_CORP_ID,
      agentId: e.WECOM_AGENT_ID,
      secret: e.WECOM_SECRET,
      callbackToken: e.WECOM_CALLBACK_TOKEN,
      callbackAesKey: e.WECOM_CALLBACK_AES_KEY,
      apiBase: e.WECOM_API_BASE,
    },
    wechaty: { puppet: e.WECHATY_PUPPET, puppetToken: e.WECHATY_PUPPET_TOKEN },
  };
}
