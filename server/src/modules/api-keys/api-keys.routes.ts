import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { ApiKeyService } from "./api-key.service.ts";
import { apiKeyListQuery, createApiKeySchema, idParam } from "./api-keys.schemas.ts";

/** Admin center: API keys for the orders API (hq_admin only). */
export function apiKeyRoutes(keys: ApiKeyService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/api-keys" });
  const admin = requireUser("hq_admin");
  r.get("/", admin, async (ctx) => {
    ctx.body = await keys.list(parseInput(apiKeyListQuery, ctx.query, "query"));
  });
  r.post("/", admin, async (ctx) => {
    ctx.status = 201;
    const input = parseInput(createApiKeySchema, ctx.request.body, "API key");
    ctx.body = await keys.create(input, { userId: ctx.state.user!.id, ip: ctx.ip });
  });
  r.delete("/:id", admin, async (ctx) => {
    const { id } = parseInput(idParam, ctx.params, "path");
    ctx.body = { apiKey: await keys.revoke(id, { userId: ctx.state.user!.id, ip: ctx.ip }) };
  });
  return r;
}
