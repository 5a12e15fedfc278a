import { CallbackCrypto } from "../../server/src/wecom/callback-crypto.ts";
import { WecomClient } from "../../server/src/wecom/wecom-client.ts";
import {
  createWecomSimulator,
  type SimCorpSeed,
  type SimListening,
  type WecomSimulator,
} from "../../server/src/wecom/simulator/index.ts";
import type { Clock } from "../../server/src/platform/clock.ts";
import { startTestServer, type TestServer } from "./test-server.ts";
import type { TestDatabase } from "./test-db.ts";
import { smallCorpSeed } from "./wecom-corp.ts";

export interface WecomTestServer extends TestServer {
  sim: WecomSimulator;
  simUrl: string;
  wecomClient: WecomClient;
  /** waits until every stored callback event has been processed */
  settle(): Promise<void>;
  services(): NonNullable<TestServer["app"]["services"]["wecom"]>;
}

/** The real server wired to a WeCom simulator over HTTP, with callbacks pointed back at it. */
export async function startWecomTestServer(
  opts: { seed?: SimCorpSeed; clock?: Clock; db?: TestDatabase; nonce?: () => string; clientTimeoutMs?: number } = {},
): Promise<WecomTestServer> {
  const seed = opts.seed ?? smallCorpSeed();
  const sim = createWecomSimulator(seed);
  const listening: SimListening = await sim.listen();
  const client = new WecomClient({
    baseUrl: listening.url,
    corpId: seed.corpId,
    secret: seed.secret,
    agentId: seed.agentId,
    sleep: () => Promise.resolve(),
    timeoutMs: opts.clientTimeoutMs ?? 2_000,
  });
  const server = await startTestServer({
    clock: opts.clock,
    db: opts.db,
    startJobs: false,
    nonce: opts.nonce,
    wecom: { client, callbackCrypto: new CallbackCrypto(seed.callbackToken, seed.callbackAesKey, seed.corpId) },
  });
  sim.setCallbackUrl(`${server.url}/wecom/callback`);
  const settle = async () => {
    for (let i = 0; i < 200; i++) {
      const rows = await server.ds.query(
        "SELECT COUNT(*) AS n FROM wecom_events WHERE status IN ('received', 'processing')",
      );
      if (Number(rows[0].n) === 0) return;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("callback events were not processed in time");
  };
  return {
    ...server,
    sim,
    simUrl: listening.url,
    wecomClient: client,
    settle,
    services: () => server.app.services.wecom!,
    stop: async () => {
      await server.stop();
      await listening.close();
    },
  };
}
