import { Command } from "commander";
import { CliError } from "./cli-context.ts";

/**
 * Command areas whose verbs arrive with later work (order import, RFM engine, WeCom sync). They
 * are listed so `siyu --help` shows the whole shape, and say plainly that they are not there yet.
 */
const notYet = (what: string) => () => {
  throw new CliError(`${what} is not available in this version yet`);
};

export function laterCommands(): Command[] {
  const rfm = new Command("rfm").description("RFM, lifecycle and group tags (rfm.md)");
  rfm
    .command("recompute")
    .description("recompute all tags")
    .option("--as-of <iso>", "instant of the computation")
    .action(notYet("siyu rfm recompute"));
  rfm
    .command("export")
    .description("write the RFM export CSV")
    .requiredOption("--out <file>", "output file")
    .action(notYet("siyu rfm export"));

  return [rfm];
}
