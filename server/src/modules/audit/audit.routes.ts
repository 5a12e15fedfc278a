import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { auditListQuery } from "./audit.schemas.ts";
import type { AuditService } from "./audit.service.ts";

/** The audit log page (hq_admin only). */
export function auditRoutes(audit: AuditService): Router<AppState> {
  const r = new Router<AppState>({ prefix: "/audit" });
  const admin = requireUser("hq_admin");
  r.get("/", admin, async (ctx) => {
    ctx.body = await audit.list(parseInput(auditListQuery, ctx.query, "query"));
  });
  r.get("/actions", admin, async (ctx) => {
    ctx.body = { items: await audit.actions() };
  });
  return r;
}
