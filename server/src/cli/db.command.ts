import { Command } from "commander";
import { migrate } from "../db/database.ts";
import { cliContext, withDatabase } from "./cli-context.ts";

export function dbCommands(): Command {
  const db = new Command("db").description("database schema");
  db.command("migrate")
    .description("apply pending migrations (safe to run from several machines at once)")
    .action(async () => {
      const { config, out } = cliContext();
      await withDatabase(config, async (ds) => {
        const applied = await migrate(ds);
        out(applied.length ? `applied: ${applied.join(", ")}` : "schema is up to date");
      });
    });
  return db;
}
