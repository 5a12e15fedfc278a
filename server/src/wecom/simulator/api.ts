import type { Faults } from "./faults.ts";
import type { SimState } from "./model.ts";

/** What a route handler sees: the state, the clock, the parsed request. Handlers never see Koa. */
export interface ApiContext {
  state: SimState;
  /** simulator clock, ms */
  now(): number;
  query: Record<string, string>;
  body: Record<string, unknown>;
  faults: Faults;
}

export type ApiResult = Record<string, unknown>;

export interface ApiRoute {
  method: "GET" | "POST";
  /** every API but gettoken needs ?access_token= */
  public?: boolean;
  handle(c: ApiContext): ApiResult;
}

/** Keyed by the path after /cgi-bin/, e.g. "externalcontact/mark_tag". */
export type ApiTable = Record<string, ApiRoute>;

export const nowS = (c: ApiContext) => Math.floor(c.now() / 1000);
