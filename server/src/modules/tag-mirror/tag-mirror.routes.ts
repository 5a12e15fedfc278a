import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { TagMirrorStatusService } from "./tag-mirror-status.ts";

export function tagMirrorRoutes(status: TagMirrorStatusService): Router<AppState> {
  const r = new Router<AppState>();
  r.get("/tag-mirror/status", requireUser(), async (ctx) => {
    ctx.body = await status.status();
  });
  return r;
}
