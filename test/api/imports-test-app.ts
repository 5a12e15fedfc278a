import { randomBytes } from "node:crypto";
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import type { AppState } from "../../server/src/http/app-context.ts";
import { errorMiddleware } from "../../server/src/http/error-middleware.ts";
import { requestLog } from "../../server/src/http/request-log.ts";
import { SessionCodec } from "../../server/src/http/session.ts";
import { ApiKeyService } from "../../server/src/modules/api-keys/api-key.service.ts";
import { apiKeyRoutes } from "../../server/src/modules/api-keys/api-keys.routes.ts";
import { loadAdminSession } from "../../server/src/modules/auth/auth.middleware.ts";
import { authRoutes } from "../../server/src/modules/auth/auth.routes.ts";
import { AuthService } from "../../server/src/modules/auth/auth.service.ts";
import { ImportService } from "../../server/src/modules/imports/import.service.ts";
import { importRoutes } from "../../server/src/modules/imports/imports.routes.ts";
import { OrdersService } from "../../server/src/modules/orders/orders.service.ts";
import { orderRoutes } from "../../server/src/modules/orders/orders.routes.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import { HttpClient } from "../support/http-client.ts";
import { createTestDatabase, type TestDatabase } from "../support/test-db.ts";

/**
 * Until the lead mounts the import, API key and orders routes in createApp, the API tests of this
 * feature build the same chain around them (request log, errors, body parser, admin session, an
 * /api/v1 router) on a fresh database. Once they are wired, `startTestServer()` replaces this.
 */
export interface ImportsApp {
  url: string;
  ds: DataSource;
  db: TestDatabase;
  /** how often onOrdersImported was called */
  ordersImported: () => number;
  client(): HttpClient;
  /** a client signed in with a new user of that role */
  signedIn(role?: "hq_admin" | "hq_operator" | "store_manager"): Promise<HttpClient>;
  /** waits for the imports running in the background */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startImportsApp(opts: { batchSize?: number } = {}): Promise<ImportsApp> {
  const db = createTestDatabase();
  const ds = await openDatabase(db.target);
  await migrate(ds);
  const clock = systemClock;
  const logger = createLogger("silent");
  const codec = new SessionCodec(randomBytes(32).toString("hex"));
  const auth = new AuthService(ds, clock);
  let notified = 0;
  const onOrdersImported = () => void notified++;
  const imports = new ImportService(ds, clock, { onOrdersImported, batchSize: opts.batchSize });
  const keys = new ApiKeyService(ds, clock);
  const orders = new OrdersService(ds, clock, { onOrdersImported });
  const running = new Set<Promise<unknown>>();
  const background = (p: Promise<unknown>) => {
    const tracked = p.catch(() => undefined).finally(() => running.delete(tracked));
    running.add(tracked);
  };

  const api = new Router<AppState>({ prefix: "/api/v1" });
  for (const routes of [
    authRoutes(auth, codec, clock),
    importRoutes(imports, background),
    apiKeyRoutes(keys),
    orderRoutes(orders, keys),
  ])
    api.use(routes.routes(), routes.allowedMethods());
  const koa = new Koa<AppState>();
  koa
    .use(requestLog(logger))
    .use(errorMiddleware())
    .use(bodyParser({ jsonLimit: "1mb", formLimit: "1mb", textLimit: "1mb", enableTypes: ["json", "form", "text"] }))
    .use(loadAdminSession(codec, auth, clock))
    .use(api.routes())
    .use(api.allowedMethods());
  const server: Server = await new Promise((resolve) => {
    const s = koa.listen(0, "127.0.0.1", () => resolve(s));
  });
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const idle = async () => {
    while (running.size) await Promise.all([...running]);
  };
  return {
    url,
    ds,
    db,
    ordersImported: () => notified,
    client: () => new HttpClient(url),
    signedIn: async (role = "hq_admin") => {
      const user = await given(ds).user({
        role,
        storeCodes: role === "store_manager" ? [(await given(ds).store()).code] : [],
      });
      const http = new HttpClient(url);
      const res = await http.post("/api/v1/auth/login", { username: user.username, password: user.password });
      if (res.status !== 200) throw new Error(`sign-in failed: ${res.text}`);
      return http;
    },
    idle,
    stop: async () => {
      await idle();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await ds.destroy();
      await db.drop();
    },
  };
}

/** Everything an import writes, ids and times included, to prove that a re-import changes nothing. */
export async function importedState(ds: DataSource): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => ds.query(sql) as Promise<Record<string, unknown>[]>;
  const norm = (rows: Record<string, unknown>[]) =>
    rows.map((r) =>
      Object.fromEntries(
        Object.entries(r).map(([k, v]) => [
          k,
          v instanceof Date
            ? v.toISOString()
            : typeof v === "string" && /^\d{4}-\d\d-\d\d[ T]\d/.test(v)
              ? new Date(v.replace(" ", "T") + (v.endsWith("Z") ? "" : "Z")).toISOString()
              : v,
        ]),
      ),
    );
  return {
    customers: norm(await q("SELECT * FROM customers ORDER BY id")),
    identities: norm(await q("SELECT * FROM customer_identities ORDER BY id")),
    follows: norm(await q("SELECT * FROM follow_relations ORDER BY id")),
    staffStores: norm(await q("SELECT * FROM staff_stores ORDER BY staff_id, store_id")),
    orders: norm(await q("SELECT * FROM orders ORDER BY id")),
  };
}
