import Router from "@koa/router";
import type { DataSource } from "typeorm";
import type { AppState } from "../../http/app-context.ts";

/** Liveness says the process answers; readiness says it can reach its database. */
export function healthRoutes(ds: DataSource): Router<AppState> {
  const r = new Router<AppState>();
  r.get("/healthz", (ctx) => {
    ctx.body = { status: "ok" };
  });
  r.get("/readyz", async (ctx) => {
    try {
      await ds.query("SELECT 1 AS ok");
      ctx.body = { status: "ready", database: "ok" };
    } catch (err) {
      ctx.state.log.warn({ err }, "readiness check failed");
      ctx.status = 503;
      ctx.body = { error: { code: "not_ready", message: "Database is not reachable", details: { database: "down" } } };
    }
  });
  return r;
}
