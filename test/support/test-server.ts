import { loadConfig, type Config } from "../../server/src/config/config.ts";
import { startServer, type RunningServer } from "../../server/src/main/server.ts";
import type { Clock } from "../../server/src/platform/clock.ts";
import type { AppDeps, WecomDeps } from "../../server/src/app.ts";
import { createTestDatabase, type TestDatabase } from "./test-db.ts";
import { HttpClient } from "./http-client.ts";

export interface TestServer extends RunningServer {
  db: TestDatabase;
  client(): HttpClient;
  /** closes the server and drops the database */
  stop(): Promise<void>;
}

/** Config as the server would read it from the environment, for a test database. */
export function testConfig(db: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig(
    {
      DATABASE_URL: db.url,
      DATA_DIR: db.dataDir,
      PORT: "0",
      HOST: "127.0.0.1",
      LOG_LEVEL: "silent",
      WECOM_MODE: "simulator",
      SEED_DEMO_ON_START: "false",
      ...env,
    },
    "/nonexistent/.env",
  );
}

/** Boots the real server (migrations, HTTP on a free port) on a fresh database. */
export async function startTestServer(
  opts: {
    env?: Record<string, string>;
    clock?: Clock;
    db?: TestDatabase;
    wecom?: WecomDeps;
    startJobs?: boolean;
    nonce?: () => string;
    bot?: AppDeps["bot"];
    rateLimits?: AppDeps["rateLimits"];
  } = {},
): Promise<TestServer> {
  const db = opts.db ?? createTestDatabase();
  const running = await startServer(testConfig(db, opts.env), {
    clock: opts.clock,
    wecom: opts.wecom,
    startJobs: opts.startJobs,
    nonce: opts.nonce,
    bot: opts.bot,
    rateLimits: opts.rateLimits,
  });
  return {
    ...running,
    db,
    client: () => new HttpClient(running.url),
    stop: async () => {
      await running.close();
      if (!opts.db) await db.drop();
    },
  };
}
