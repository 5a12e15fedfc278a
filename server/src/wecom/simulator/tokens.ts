import { randomBytes } from "node:crypto";
import { WecomError } from "./errors.ts";
import type { SimExpiring, SimState } from "./model.ts";

/**
 * access_token: random, reissued unchanged while valid (the older doc's rule, wecom.md §1), a new one
 * once it has expired. Old tokens stay known so an expired one answers 42001 rather than 40014.
 */
export function issueToken(state: SimState, nowMs: number, ttlS: number): { access_token: string; expires_in: number } {
  const current = state.currentToken;
  if (current && state.tokens.get(current)! > nowMs) {
    return { access_token: current, expires_in: Math.ceil((state.tokens.get(current)! - nowMs) / 1000) };
  }
  const token = randomBytes(48).toString("base64url");
  state.tokens.set(token, nowMs + ttlS * 1000);
  state.currentToken = token;
  return { access_token: token, expires_in: ttlS };
}

export function checkToken(state: SimState, token: string | undefined, nowMs: number): void {
  if (!token) throw new WecomError(41001, "access_token missing");
  const expires = state.tokens.get(token);
  if (expires === undefined) throw new WecomError(40014, "invalid access_token");
  if (expires <= nowMs) throw new WecomError(42001, "access_token expired");
}

export function expireAllTokens(state: SimState, nowMs: number): void {
  for (const token of state.tokens.keys()) state.tokens.set(token, nowMs);
}

const TICKET_TTL_S = 7200;

/** jsapi and agent_config tickets: the same ticket while it is valid (wecom.md §11.1). */
export function issueTicket(state: SimState, kind: "jsapi" | "agent_config", nowMs: number) {
  let t: SimExpiring | null = state.tickets[kind];
  if (!t || t.expires_at_ms <= nowMs) {
    t = { value: randomBytes(32).toString("base64url"), expires_at_ms: nowMs + TICKET_TTL_S * 1000 };
    state.tickets[kind] = t;
  }
  return { ticket: t.value, expires_in: Math.ceil((t.expires_at_ms - nowMs) / 1000) };
}
