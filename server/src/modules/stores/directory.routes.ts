import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { DirectoryService } from "./directory.service.ts";

export function directoryRoutes(directory: DirectoryService): Router<AppState> {
  const r = new Router<AppState>();
  r.get("/stores", requireUser(), async (ctx) => {
    ctx.body = { items: await directory.stores(ctx.state.user!) };
  });
  r.get("/staff", requireUser(), async (ctx) => {
    ctx.body = { items: await directory.staff(ctx.state.user!) };
  });
  return r;
}
