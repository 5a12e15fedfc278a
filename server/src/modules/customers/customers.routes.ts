import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import { customerListQuery } from "./customers.schemas.ts";
import type { CustomersService } from "./customers.service.ts";

export function customersRoutes(customers: CustomersService): Router<AppState> {
  const r = new Router<AppState>();
  r.get("/customers", requireUser(), async (ctx) => {
    ctx.body = await customers.list(parseInput(customerListQuery, ctx.query, "customer filter"), ctx.state.user!);
  });
  r.get("/customers/:id", requireUser(), async (ctx) => {
    const id = Number(ctx.params.id);
    if (!Number.isInteger(id) || id <= 0) throw new NotFoundError("No such customer");
    ctx.body = await customers.profile(id, ctx.state.user!);
  });
  return r;
}
