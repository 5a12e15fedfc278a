import { Command } from "commander";
import { JobRunner } from "../jobs/job-runner.ts";
import { liveWecom, startDemoSimulator } from "../main/wecom-setup.ts";
import { WecomSyncService } from "../modules/wecom-sync/wecom-sync.service.ts";
import { SYNC_JOB } from "../modules/wecom-sync/wecom-sync.routes.ts";
import type { SyncRun } from "../modules/wecom-sync/sync-run.entity.ts";
import { systemClock } from "../platform/clock.ts";
import { CliError, cliContext, withDatabase } from "./cli-context.ts";

const line = (r: SyncRun) => {
  const c = r.counts;
  return `${r.status} · ${r.phase} · staff ${c?.staff ?? 0} · relations ${c?.relations ?? 0} · groups ${c?.groups ?? 0}`;
};

export function wecomCommands(): Command {
  const wecom = new Command("wecom").description("WeCom integration");
  wecom
    .command("sync")
    .description("full sync of staff, customers, corp tags and groups (resumes an interrupted run)")
    .action(async () => {
      const { config, log, out } = cliContext();
      await withDatabase(config, async (ds) => {
        const clock = systemClock;
        const demo = config.wecom.mode === "simulator" ? await startDemoSimulator(ds, clock, log) : undefined;
        const deps = demo?.wecom ?? liveWecom(config, clock, log);
        try {
          const sync = new WecomSyncService(ds, deps.client, clock, log);
          // the same lease as the server's nightly job: never two syncs at once
          const jobs = new JobRunner(ds, clock, log);
          let last: SyncRun | undefined;
          jobs.register({
            name: SYNC_JOB,
            leaseMs: 10 * 60_000,
            run: async ({ signal }) => {
              last = await sync.run("cli", signal, (r) => {
                if (process.stderr.isTTY) process.stderr.write(`\r${line(r)}   `);
              });
            },
          });
          const outcome = await jobs.runNow(SYNC_JOB);
          if (process.stderr.isTTY) process.stderr.write("\n");
          if (outcome === "skipped")
            throw new CliError("a sync is already running (another server or command holds its lease)");
          const run = last ?? (await sync.latest());
          if (outcome === "failed" || !run || run.status !== "done")
            throw new CliError(`sync failed: ${run?.error ?? "see the log"}`);
          const c = run.counts!;
          out(
            `sync done: ${c.staff} staff, ${c.customers} customers, ${c.relations} relations (${c.relationsGone} gone), ${c.tags} corp tags, ${c.groups} groups, ${c.members} members`,
          );
          if (c.unlicensed.length)
            out(`members without an interop licence (their customers were not read): ${c.unlicensed.join(", ")}`);
        } finally {
          await demo?.listening.close();
        }
      });
    });
  return wecom;
}
