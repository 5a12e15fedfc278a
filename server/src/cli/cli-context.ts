import type { DataSource } from "typeorm";
import type { Logger } from "pino";
import { loadConfig, type Config } from "../config/config.ts";
import { openDatabase } from "../db/database.ts";
import { createLogger } from "../platform/logger.ts";

/** An error the CLI reports as one line and exit code 1 (no stack trace for a person to read). */
export class CliError extends Error {}

export interface CliContext {
  config: Config;
  log: Logger;
  out: (line: string) => void;
}

export function cliContext(): CliContext {
  const config = loadConfig();
  return {
    config,
    log: createLogger(config.logLevel === "info" ? "warn" : config.logLevel),
    out: (l) => process.stdout.write(l + "\n"),
  };
}

/** Opens the configured database for one command and always closes it. */
export async function withDatabase<T>(config: Config, fn: (ds: DataSource) => Promise<T>): Promise<T> {
  let ds: DataSource;
  try {
    ds = await openDatabase(config.database);
  } catch (err) {
    throw new CliError(`Cannot open the database (DATABASE_URL): ${(err as Error).message}`);
  }
  try {
    return await fn(ds);
  } finally {
    await ds.destroy();
  }
}
