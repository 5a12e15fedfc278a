import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { apiKeyAuth, type ApiKeyState } from "../api-keys/api-key.middleware.ts";
import type { ApiKeyService } from "../api-keys/api-key.service.ts";
import type { OrdersService } from "./orders.service.ts";

/**
 * POST /orders, for the merchant's POS / mall / ERP, with an API key (scope orders:write).
 * Body: a JSON array of orders (or `{ "orders": [...] }`), at most 1 000; see orders.service.ts.
 */
export function orderRoutes(orders: OrdersService, keys: ApiKeyService): Router<AppState> {
  const r = new Router<AppState>();
  r.post<ApiKeyState>("/orders", apiKeyAuth(keys, "orders:write"), async (ctx) => {
    ctx.body = await orders.intake(ctx.request.body, ctx.state.apiKey);
  });
  return r;
}
