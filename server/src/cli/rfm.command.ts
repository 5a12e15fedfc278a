import { createWriteStream, openSync, type WriteStream } from "node:fs";
import { once } from "node:events";
import { Command, InvalidArgumentError } from "commander";
import { JobRunner } from "../jobs/job-runner.ts";
import { RFM_RECOMPUTE_JOB, RFM_RECOMPUTE_LEASE_MS } from "../modules/rfm/rfm-jobs.ts";
import { asOfInstant } from "../modules/rfm/rfm.schemas.ts";
import { RfmService } from "../modules/rfm/rfm.service.ts";
import type { RfmComputation } from "../modules/rfm/rfm.entity.ts";
import { SettingsService } from "../modules/settings/settings.service.ts";
import { LIFECYCLE_STAGES, RFM_SEGMENTS } from "../modules/tags/system-tags.ts";
import { systemClock } from "../platform/clock.ts";
import { CliError, cliContext, withDatabase } from "./cli-context.ts";

const instant = (value: string): Date => {
  const parsed = asOfInstant.safeParse(value);
  if (!parsed.success) throw new InvalidArgumentError(`--as-of ${parsed.error.issues[0]?.message ?? "is invalid"}`);
  return parsed.data;
};

/** `siyu rfm recompute [--as-of ISO]` and `siyu rfm export --out FILE` (rfm.md). */
export function rfmCommands(): Command {
  const rfm = new Command("rfm").description("RFM, lifecycle and group tags (rfm.md)");
  rfm
    .command("recompute")
    .description("recompute RFM figures, segments, lifecycle stages and group tags for every customer")
    .option("--as-of <iso>", "instant of the computation, ISO 8601 with offset (default: now)", instant)
    .action(async (opts: { asOf?: Date }) => {
      const { config, log, out } = cliContext();
      await withDatabase(config, async (ds) => {
        const clock = systemClock;
        const service = new RfmService(ds, clock, new SettingsService(ds, clock), log);
        // the same lease as the server's job: a CLI run and a nightly run never overlap
        const jobs = new JobRunner(ds, clock, log);
        let computation: RfmComputation | undefined;
        let failure: unknown;
        jobs.register({
          name: RFM_RECOMPUTE_JOB,
          leaseMs: RFM_RECOMPUTE_LEASE_MS,
          run: async () => {
            await service.failInterrupted();
            try {
              computation = await service.recompute({
                asOf: opts.asOf,
                triggeredBy: "cli",
                onProgress: (step, done, total) => {
                  if (process.stderr.isTTY) process.stderr.write(`\r${done}/${total} ${step}            `);
                },
              });
            } catch (err) {
              failure = err;
              throw err;
            }
          },
        });
        const outcome = await jobs.runNow(RFM_RECOMPUTE_JOB);
        if (process.stderr.isTTY) process.stderr.write("\n");
        if (outcome === "skipped")
          throw new CliError("a recompute is already running (a server or another command holds its lease)");
        if (outcome === "failed" || !computation)
          throw new CliError(`recompute failed: ${failure instanceof Error ? failure.message : "see the log"}`);
        const c = computation;
        const counts = await service.currentCounts();
        out(
          `recompute done: computation #${c.id} as of ${new Date(c.asOf).toISOString()}, ` +
            `${c.customersScored} of ${c.customersTotal} customers scored (${c.settings.method})`,
        );
        out(`segments: ${RFM_SEGMENTS.map((s) => `${s.key} ${counts.segments[s.key] ?? 0}`).join(", ")}`);
        out(`lifecycle: ${LIFECYCLE_STAGES.map((s) => `${s.key} ${counts.lifecycle[s.key] ?? 0}`).join(", ")}`);
      });
    });
  rfm
    .command("export")
    .description("write the RFM export CSV (rfm.md, export contract)")
    .requiredOption("--out <file>", "output file, or - for standard output")
    .action(async (opts: { out: string }) => {
      const { config, log, out } = cliContext();
      await withDatabase(config, async (ds) => {
        const service = new RfmService(ds, systemClock, new SettingsService(ds, systemClock), log);
        const toStdout = opts.out === "-";
        let stream: NodeJS.WritableStream = process.stdout;
        if (!toStdout) {
          try {
            stream = createWriteStream("", { fd: openSync(opts.out, "w") });
          } catch (err) {
            throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`);
          }
        }
        // a write error (disk full) ends the export instead of leaving it waiting for "drain"
        const failed = new Promise<never>((_, reject) => stream.once("error", reject));
        failed.catch(() => undefined);
        const write = async (chunk: string) => {
          if (!stream.write(chunk)) await Promise.race([once(stream, "drain"), failed]);
        };
        try {
          const rows = await Promise.race([service.exportCsv(write), failed]);
          if (!toStdout) {
            await new Promise<void>((resolve, reject) =>
              (stream as WriteStream).end((err?: Error | null) => (err ? reject(err) : resolve())),
            );
            out(`exported ${rows} customers to ${opts.out}`);
          }
        } catch (err) {
          throw new CliError(`cannot write ${opts.out}: ${(err as Error).message}`);
        }
      });
    });
  return rfm;
}
