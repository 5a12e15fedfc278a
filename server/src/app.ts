import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Config } from "./config/config.ts";
import type { AppState } from "./http/app-context.ts";
import { errorMiddleware } from "./http/error-middleware.ts";
import { requestLog } from "./http/request-log.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { SessionCodec } from "./http/session.ts";
import { singlePageApp } from "./http/static-apps.ts";
import { systemClock, type Clock } from "./platform/clock.ts";
import { createLogger } from "./platform/logger.ts";
import { AuthService } from "./modules/auth/auth.service.ts";
import { loadAdminSession } from "./modules/auth/auth.middleware.ts";
import { authRoutes } from "./modules/auth/auth.routes.ts";
import { DashboardService } from "./modules/dashboard/dashboard.service.ts";
import { dashboardRoutes } from "./modules/dashboard/dashboard.routes.ts";
import { healthRoutes } from "./modules/health/health.routes.ts";
import { SidebarService } from "./modules/sidebar/sidebar.service.ts";
import { sidebarRoutes } from "./modules/sidebar/sidebar.routes.ts";

export interface AppDeps {
  ds: DataSource;
  clock?: Clock;
  logger?: Logger;
  /** folders of the built front ends; default: the workspaces' dist folders */
  webAdminDist?: string;
  webSidebarDist?: string;
}

export interface SiyuApp {
  koa: Koa<AppState>;
  services: { auth: AuthService; dashboard: DashboardService; sidebar: SidebarService };
  logger: Logger;
}

export const WEB_ADMIN_DIST = fileURLToPath(new URL("../../web-admin/dist", import.meta.url));
export const WEB_SIDEBAR_DIST = fileURLToPath(new URL("../../web-sidebar/dist", import.meta.url));

/** Wires the whole server by hand: every side effect comes in through `deps`. */
export function createApp(config: Config, deps: AppDeps): SiyuApp {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const { ds } = deps;
  // Without a configured secret (tests, first demo start) sessions simply do not outlive the process.
  const codec = new SessionCodec(config.sessionSecret ?? randomBytes(32).toString("hex"));

  const auth = new AuthService(ds, clock);
  const dashboard = new DashboardService(ds, clock);
  const sidebar = new SidebarService(ds);

  const api = new Router<AppState>({ prefix: "/api/v1" });
  for (const routes of [
    authRoutes(auth, codec, clock),
    dashboardRoutes(dashboard),
    sidebarRoutes(config, sidebar, codec, clock),
  ])
    api.use(routes.routes(), routes.allowedMethods());

  const koa = new Koa<AppState>({ proxy: Boolean(config.publicUrl?.startsWith("https:")) });
  const health = healthRoutes(ds);
  koa
    .use(requestLog(logger))
    .use(errorMiddleware())
    .use(securityHeaders())
    .use(health.routes())
    .use(
      bodyParser({
        jsonLimit: "1mb",
        formLimit: "1mb",
        textLimit: "1mb",
        enableTypes: ["json", "form", "text", "xml"],
      }),
    )
    .use(loadAdminSession(codec, auth, clock))
    .use(api.routes())
    .use(api.allowedMethods())
    .use(singlePageApp("/sidebar/", deps.webSidebarDist ?? WEB_SIDEBAR_DIST))
    .use(singlePageApp("/", deps.webAdminDist ?? WEB_ADMIN_DIST));

  return { koa, services: { auth, dashboard, sidebar }, logger };
}
