import type { Logger } from "pino";
import type { ParameterizedContext } from "koa";

/** What every request carries in ctx.state; declared once so handlers are typed. */
export interface AppState {
  requestId: string;
  log: Logger;
  user?: SessionUser;
  staff?: SessionStaff;
}

export interface SessionUser {
  id: number;
  username: string;
  role: "hq_admin" | "hq_operator" | "store_manager" | "staff";
  storeIds: number[];
}

export interface SessionStaff {
  id: number;
  userid: string;
}

export type AppContext = ParameterizedContext<AppState>;
