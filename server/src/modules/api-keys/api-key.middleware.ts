import type { Middleware } from "koa";
import type { AppState } from "../../http/app-context.ts";
import { ForbiddenError, UnauthorizedError } from "../../http/errors.ts";
import type { ApiKeyService } from "./api-key.service.ts";
import type { ApiKeyPrincipal, ApiKeyScope } from "./api-keys.schemas.ts";

/** ctx.state on routes behind apiKeyAuth. */
export interface ApiKeyState {
  apiKey: ApiKeyPrincipal;
}

/**
 * Machine-to-machine sign-in: `Authorization: Bearer sk_live_…` or `X-Api-Key: sk_live_…`.
 * 401 when the key is missing, unknown or revoked; 403 when it lacks `scope`; 429 past its rate limit.
 */
export function apiKeyAuth(keys: ApiKeyService, scope: ApiKeyScope): Middleware<AppState & ApiKeyState> {
  return async (ctx, next) => {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(ctx.get("authorization"));
    const key = bearer?.[1] ?? ctx.get("x-api-key").trim();
    ctx.set("WWW-Authenticate", 'Bearer realm="siyu"');
    if (!key) throw new UnauthorizedError("An API key is required: send Authorization: Bearer <key> or X-Api-Key");
    const principal = await keys.authenticate(key);
    if (!principal) throw new UnauthorizedError("The API key is invalid or revoked");
    ctx.remove("WWW-Authenticate");
    if (!principal.scopes.includes(scope)) throw new ForbiddenError(`The API key lacks the scope ${scope}`);
    await keys.admit(principal);
    ctx.state.apiKey = principal;
    await next();
  };
}
