import { Command, Option } from "commander";
import { AuthService } from "../modules/auth/auth.service.ts";
import { systemClock } from "../platform/clock.ts";
import { cliContext, withDatabase } from "./cli-context.ts";

export function usersCommands(): Command {
  const users = new Command("users").description("admin center accounts");
  users
    .command("create")
    .description("create an admin center account (the first hq_admin comes from here)")
    .requiredOption("--username <name>", "login name")
    .requiredOption("--password <password>", "at least 8 characters")
    .addOption(
      new Option("--role <role>", "role").choices(["hq_admin", "hq_operator", "store_manager"]).default("hq_admin"),
    )
    .option("--display-name <name>", "name shown in the admin center")
    .option("--store <code...>", "store codes (store managers)")
    .action(
      async (opts: {
        username: string;
        password: string;
        role: "hq_admin";
        displayName?: string;
        store?: string[];
      }) => {
        const { config, out } = cliContext();
        await withDatabase(config, async (ds) => {
          const user = await new AuthService(ds, systemClock).createUser({
            username: opts.username,
            password: opts.password,
            role: opts.role,
            displayName: opts.displayName ?? opts.username,
            storeCodes: opts.store ?? [],
          });
          out(`created ${user.role} ${user.username} (id ${user.id})`);
        });
      },
    );
  return users;
}
