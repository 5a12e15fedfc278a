import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Config } from "../config/config.ts";

/**
 * In simulator mode a demo must start with no configuration at all, yet sessions should survive
 * a restart: generate the secrets once and keep them in DATA_DIR (mode 0600). Live mode requires
 * them from the environment (the config module refuses to start without).
 */
export function withLocalSecrets(config: Config): Config {
  if (config.sessionSecret && config.secretsKey) return config;
  if (config.wecom.mode === "live") return config;
  mkdirSync(config.dataDir, { recursive: true });
  const file = join(config.dataDir, "local-secrets.json");
  let stored: { sessionSecret: string; secretsKey: string };
  if (existsSync(file)) {
    stored = JSON.parse(readFileSync(file, "utf8"));
  } else {
    stored = { sessionSecret: randomBytes(32).toString("hex"), secretsKey: randomBytes(32).toString("hex") };
    writeFileSync(file, JSON.stringify(stored), { mode: 0o600 });
  }
  return {
    ...config,
    sessionSecret: config.sessionSecret ?? stored.sessionSecret,
    secretsKey: config.secretsKey ?? stored.secretsKey,
  };
}
