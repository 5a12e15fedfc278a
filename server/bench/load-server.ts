import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadConfig } from "../src/config/config.ts";
import { startServer } from "../src/main/server.ts";
import { createLogger } from "../src/platform/logger.ts";

/**
 * The server under bench:load, run in its own process by load.bench.ts: the real startServer
 * (config from the environment, migrations, every route and middleware) plus, on a second
 * listener of the same Koa app, bench-only routes in front of the stack: GET /bench/bare
 * (fixed JSON, the floor), GET /bench/db (one `SELECT 1` through the app's pool: the floor of
 * anything that reads the database) and GET /bench/memory (this process's memory after a GC). Production
 * code never mounts them. Prints `listening <url>` when ready; exits on SIGTERM.
 */
const BARE = JSON.stringify({ ok: true, service: "siyu", note: "fixed answer for the load floor" });

export async function main(): Promise<number> {
  const config = loadConfig();
  const logger = createLogger("silent");
  const server = await startServer(config, {
    logger,
    startJobs: false,
    // the bench measures throughput, not the per-key limiter (its DB counter is still updated per request)
    rateLimits: { apiKey: { max: 1_000_000_000, windowMs: 60_000 } },
  });
  if (process.argv.includes("--recompute-rfm")) {
    const [row] = await server.ds.query("SELECT COUNT(*) AS n FROM customer_rfm");
    if (Number(row.n) === 0) await server.app.services.rfm.recompute({ triggeredBy: "bench:load" });
  }
  const koa = server.app.koa;
  koa.middleware.unshift(async (ctx, next) => {
    if (ctx.path === "/bench/bare") {
      ctx.type = "application/json";
      ctx.body = BARE;
      return;
    }
    if (ctx.path === "/bench/db") {
      ctx.body = (await server.ds.query("SELECT 1 AS one"))[0];
      return;
    }
    if (ctx.path === "/bench/memory") {
      (globalThis as { gc?: () => void }).gc?.();
      ctx.body = process.memoryUsage();
      return;
    }
    await next();
  });
  const http = createServer(koa.callback());
  http.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve) => http.listen(0, "127.0.0.1", resolve));
  process.stdout.write(`listening http://127.0.0.1:${(http.address() as AddressInfo).port}\n`);
  await new Promise<void>((resolve) => process.once("SIGTERM", resolve));
  http.closeAllConnections();
  await new Promise<void>((resolve) => http.close(() => resolve()));
  await server.close();
  return 0;
}
