import { Command } from "commander";
import { loadConfig } from "../config/config.ts";
import { buildMissingFrontends } from "../main/build-frontends.ts";
import { startServer } from "../main/server.ts";
import { createLogger } from "../platform/logger.ts";
import { CliError } from "./cli-context.ts";

export function startCommand(): Command {
  return new Command("start")
    .description("start the server (applies migrations; in simulator mode seeds the demo corp into an empty database)")
    .option("--no-build", "do not build missing front ends")
    .action(async (opts: { build: boolean }) => {
      const config = loadConfig();
      const log = createLogger(config.logLevel);
      if (opts.build) buildMissingFrontends(log);
      let server;
      try {
        server = await startServer(config, { logger: log });
      } catch (err) {
        throw new CliError(`could not start: ${(err as Error).message}`);
      }
      const base = config.publicUrl ?? `http://localhost:${new URL(server.url).port}`;
      const lines = [
        "",
        `Siyu is running (${config.wecom.mode} mode, ${config.database.kind === "sqlite" ? `SQLite ${config.database.path}` : `MySQL ${config.database.host}/${config.database.database}`})`,
        `  admin center:  ${base}/`,
        `  chat sidebar:  ${base}/sidebar/`,
      ];
      if (server.seeded) {
        lines.push(
          `  demo corp:     ${server.seeded.customers} customers, ${server.seeded.orders} orders, ${server.seeded.groups} groups`,
        );
        for (const u of server.seeded.users) lines.push(`  demo login:    ${u.username} / ${u.password}  (${u.role})`);
      } else if (config.wecom.mode === "simulator") {
        lines.push("  demo logins:   see README.md (admin / siyu-demo-admin)");
      }
      process.stdout.write(lines.join("\n") + "\n\n");
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          log.info({ signal }, "shutting down: draining requests and jobs");
          void server.close().then(resolve);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
      });
    });
}
