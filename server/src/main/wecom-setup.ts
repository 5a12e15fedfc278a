import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { WecomDeps } from "../app.ts";
import type { Config } from "../config/config.ts";
import type { Clock } from "../platform/clock.ts";
import { CallbackCrypto } from "../wecom/callback-crypto.ts";
import { simulatorCorpFromDatabase } from "../wecom/simulator-corp.ts";
import { createWecomSimulator, type SimListening, type WecomSimulator } from "../wecom/simulator/index.ts";
import { WecomClient } from "../wecom/wecom-client.ts";
import { fillSimulatorGroupStats } from "../modules/groups/simulator-group-stats.ts";

export type { SimListening };

const WECOM_API = "https://qyapi.weixin.qq.com/cgi-bin/";

/** Live mode: the one client pointed at WeCom (or WECOM_API_BASE), with the configured secrets. */
export function liveWecom(config: Config, clock: Clock, log: Logger): WecomDeps {
  const w = config.wecom;
  const client = new WecomClient({
    baseUrl: w.apiBase ?? WECOM_API,
    corpId: w.corpId!,
    secret: w.secret!,
    agentId: w.agentId,
    clock,
    logger: log,
  });
  return {
    client,
    callbackCrypto:
      w.callbackToken && w.callbackAesKey ? new CallbackCrypto(w.callbackToken, w.callbackAesKey, w.corpId!) : null,
  };
}

/**
 * Simulator mode (the demo): a WeCom simulator on a loopback port holding the corp the database
 * holds, and the same client as in production pointed at it over HTTP.
 */
export async function startDemoSimulator(
  ds: DataSource,
  clock: Clock,
  log: Logger,
): Promise<{ wecom: WecomDeps; sim: WecomSimulator; listening: SimListening }> {
  const corp = await simulatorCorpFromDatabase(ds);
  const sim = createWecomSimulator(corp, { now: () => clock.now().getTime() });
  await fillSimulatorGroupStats(ds, sim.state);
  const listening = await sim.listen(0, "127.0.0.1");
  log.info({ url: listening.url }, "WeCom simulator listening");
  const client = new WecomClient({
    baseUrl: listening.url,
    corpId: corp.corpId,
    secret: corp.secret,
    agentId: corp.agentId,
    clock,
    logger: log,
  });
  return {
    wecom: { client, callbackCrypto: new CallbackCrypto(corp.callbackToken, corp.callbackAesKey, corp.corpId) },
    sim,
    listening,
  };
}
