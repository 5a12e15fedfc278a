import { Command, InvalidArgumentError } from "commander";
import { migrate } from "../db/database.ts";
import { isDatabaseEmpty, seedDemo } from "../demo/seed-demo.ts";
import { CliError, cliContext, withDatabase } from "./cli-context.ts";

export const positiveInt = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} must be a whole number`);
  return n;
};

export function seedCommands(): Command {
  const seed = new Command("seed").description("fill the database with data");
  seed
    .command("demo")
    .description("generate the demo corp (deterministic for a given seed) into an empty database")
    .option("--seed <n>", "random seed", positiveInt("--seed"), 20261124)
    .option("--customers <n>", "number of customers", positiveInt("--customers"))
    .option("--orders <n>", "approximate number of orders", positiveInt("--orders"))
    .option("--groups <n>", "number of customer groups", positiveInt("--groups"))
    .action(async (opts: { seed: number; customers?: number; orders?: number; groups?: number }) => {
      const { config, out } = cliContext();
      if (config.wecom.mode === "live") throw new CliError("refusing to seed demo data with WECOM_MODE=live");
      await withDatabase(config, async (ds) => {
        await migrate(ds);
        if (!(await isDatabaseEmpty(ds)))
          throw new CliError("the database already holds a corp; seed the demo into an empty database");
        const result = await seedDemo(ds, {
          seed: opts.seed,
          customers: opts.customers,
          orders: opts.orders,
          groups: opts.groups,
          onProgress: (step, done, total) => process.stderr.write(`\r${step} ${done}/${total}   `),
        });
        process.stderr.write("\n");
        out(
          `seeded: ${result.stores} stores, ${result.staff} staff, ${result.customers} customers, ` +
            `${result.orders} orders, ${result.groups} groups`,
        );
        for (const u of result.users) out(`login: ${u.username} / ${u.password} (${u.role})`);
      });
    });
  return seed;
}
