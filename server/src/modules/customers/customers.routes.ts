import { PassThrough } from "node:stream";
import Router from "@koa/router";
import type { AppState } from "../../http/app-context.ts";
import { NotFoundError } from "../../http/errors.ts";
import { parseInput } from "../../http/validate.ts";
import { requireUser } from "../auth/auth.middleware.ts";
import type { CustomersExport } from "./customers-export.ts";
import { customerListQuery } from "./customers.schemas.ts";
import type { CustomersService } from "./customers.service.ts";

export function customersRoutes(customers: CustomersService, exporter: CustomersExport): Router<AppState> {
  const r = new Router<AppState>();
  r.get("/customers/export.csv", requireUser(), async (ctx) => {
    // validated before the first byte, so a bad filter is a 400 and not a broken download
    const q = parseInput(customerListQuery, ctx.query, "customer filter");
    const stream = new PassThrough();
    ctx.type = "text/csv; charset=utf-8";
    ctx.attachment(`customers-${new Date().toISOString().slice(0, 10)}.csv`);
    ctx.body = stream;
    void exporter
      .write(q, ctx.state.user!, (chunk) => {
        if (!stream.write(chunk)) return new Promise<void>((resolve) => stream.once("drain", () => resolve()));
      })
      .then(
        () => stream.end(),
        (err: unknown) => stream.destroy(err as Error),
      );
  });
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
