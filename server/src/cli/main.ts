import { Command, CommanderError } from "commander";
import { ConfigError } from "../config/config.ts";
import { AppError } from "../http/errors.ts";
import { CliError } from "./cli-context.ts";
import { dbCommands } from "./db.command.ts";
import { seedCommands } from "./seed.command.ts";
import { startCommand } from "./start.command.ts";
import { usersCommands } from "./users.command.ts";
import { rfmCommands } from "./rfm.command.ts";
import { wecomCommands } from "./wecom.command.ts";
import { importCommands } from "./import.command.ts";

export function buildProgram(): Command {
  const program = new Command("siyu")
    .description("Siyu (私域): WeCom private-domain operations and task center")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  program.addCommand(startCommand());
  program.addCommand(dbCommands());
  program.addCommand(seedCommands());
  program.addCommand(usersCommands());
  program.addCommand(wecomCommands());
  program.addCommand(importCommands());
  program.addCommand(rfmCommands());
  // every subcommand throws instead of exiting, so main() decides the exit code
  const override = (c: Command) => {
    c.exitOverride();
    c.commands.forEach(override);
  };
  override(program);
  return program;
}

/** Exit codes: 0 success, 1 failure (with a message), 2 wrong usage. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === "commander.helpDisplayed" || err.code === "commander.version" || err.code === "commander.help")
        return 0;
      return 2;
    }
    if (err instanceof ConfigError || err instanceof CliError || err instanceof AppError) {
      process.stderr.write(`siyu: ${err.message}\n`);
      return 1;
    }
    process.stderr.write(`siyu: ${(err as Error)?.stack ?? String(err)}\n`);
    return 1;
  }
}
