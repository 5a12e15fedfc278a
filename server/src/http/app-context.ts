import type { Logger } from "pino";
import type { ParameterizedContext } from "koa";
import type { UserView } from "../modules/auth/auth.schemas.ts";

/** What every request carries in ctx.state; declared once so handlers are typed. */
export interface AppState {
  requestId: string;
  log: Logger;
  user?: UserView;
  staff?: SessionStaff;
}

export interface SessionStaff {
  id: number;
  userid: string;
}

export type AppContext = ParameterizedContext<AppState>;
