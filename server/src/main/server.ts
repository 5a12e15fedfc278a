import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import { createApp, type AppDeps, type SiyuApp } from "../app.ts";
import type { Config } from "../config/config.ts";
import { migrate, openDatabase } from "../db/database.ts";
import { isDatabaseEmpty, seedDemo, type DemoResult } from "../demo/seed-demo.ts";
import type { JobRunner } from "../jobs/job-runner.ts";
import { systemClock, type Clock } from "../platform/clock.ts";
import { createLogger } from "../platform/logger.ts";
import { withLocalSecrets } from "./local-secrets.ts";
import { liveWecom, startDemoSimulator, type SimListening } from "./wecom-setup.ts";
import { demoActivityJob } from "./demo-activity.ts";
import { GROUP_HEALTH_JOB, GROUP_WECOM_STATS_JOB } from "../modules/groups/group-jobs.ts";
import type { WecomSimulator } from "../wecom/simulator/index.ts";

export interface RunningServer {
  url: string;
  app: SiyuApp;
  ds: DataSource;
  jobs: JobRunner;
  config: Config;
  seeded: DemoResult | null;
  /** the demo's WeCom simulator (simulator mode without injected WeCom deps) */
  simulator?: WecomSimulator;
  /** stops accepting connections, lets requests and jobs finish, closes the database */
  close(): Promise<void>;
}

export interface StartOptions extends Partial<
  Pick<AppDeps, "webAdminDist" | "webSidebarDist" | "wecom" | "bot" | "rateLimits">
> {
  clock?: Clock;
  logger?: Logger;
  /** tests drive jobs by hand */
  startJobs?: boolean;
  nonce?: () => string;
}

/** The whole start-up: database, migrations, demo seed (simulator mode), HTTP, jobs. */
export async function startServer(rawConfig: Config, opts: StartOptions = {}): Promise<RunningServer> {
  const config = withLocalSecrets(rawConfig);
  const log = opts.logger ?? createLogger(config.logLevel);
  const clock = opts.clock ?? systemClock;
  const ds = await openDatabase(config.database);
  try {
    if (config.migrateOnStart) {
      const applied = await migrate(ds);
      if (applied.length) log.info({ applied }, "migrations applied");
    }
    let seeded: DemoResult | null = null;
    // Live mode never seeds: a real corp's database only ever holds what WeCom and the merchant sent.
    if (config.wecom.mode === "simulator" && config.seedDemoOnStart && (await isDatabaseEmpty(ds))) {
      log.info("empty database in simulator mode: generating the demo corp");
      seeded = await seedDemo(ds, { now: clock.now() });
    }
    let wecom = opts.wecom;
    let simulator: { sim: WecomSimulator; listening: SimListening } | undefined;
    if (!wecom && config.wecom.mode === "simulator") {
      const started = await startDemoSimulator(ds, clock, log);
      wecom = started.wecom;
      simulator = started;
    } else if (!wecom && config.wecom.mode === "live") wecom = liveWecom(config, clock, log);
    const app = createApp(config, {
      ds,
      clock,
      logger: log,
      wecom,
      nonce: opts.nonce,
      webAdminDist: opts.webAdminDist,
      webSidebarDist: opts.webSidebarDist,
      bot: opts.bot,
      rateLimits: opts.rateLimits,
    });
    // a fresh demo opens with segments and lifecycle stages already computed, as a real corp would the morning after
    if (seeded) await app.services.rfm.recompute({ asOf: clock.now(), triggeredBy: "demo seed" });
    // ...and with WeCom's group statistics pulled and every group's health scored
    if (seeded && wecom) for (const job of [GROUP_WECOM_STATS_JOB, GROUP_HEALTH_JOB]) await app.jobs.runNow(job);
    const jobs = app.jobs;
    if (simulator) jobs.register(demoActivityJob(simulator.sim, clock));
    if (opts.startJobs !== false) jobs.start();
    // the group bot connects in the background (failures are retried and shown in the admin)
    void app.services.bot.runner?.start().catch((err: unknown) => log.error({ err }, "group bot start failed"));
    const server: Server = await new Promise((resolve, reject) => {
      const s = app.koa.listen(config.port, config.host, () => resolve(s));
      s.once("error", reject);
    });
    const address = server.address() as AddressInfo;
    const host = config.host === "0.0.0.0" || config.host === "::" ? "127.0.0.1" : config.host;
    const url = `http://${host}:${address.port}`;
    simulator?.sim.setCallbackUrl(`${url}/wecom/callback`);
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      ds,
      jobs,
      config,
      seeded,
      simulator: simulator?.sim,
      close: () =>
        (closing ??= (async () => {
          await new Promise<void>((resolve) => {
            server.close(() => resolve());
            server.closeIdleConnections();
          });
          await jobs.stop();
          // buffered bot events are written before the database closes
          await app.services.bot.runner?.stop().catch((err: unknown) => log.error({ err }, "group bot stop failed"));
          await simulator?.listening.close();
          await ds.destroy();
        })()),
    };
  } catch (err) {
    await ds.destroy().catch(() => undefined);
    throw err;
  }
}
