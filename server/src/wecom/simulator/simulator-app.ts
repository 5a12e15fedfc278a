import type { IncomingMessage } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import Koa from "koa";
import type { ApiRoute, ApiTable } from "./api.ts";
import { errmsgFor, WecomError } from "./errors.ts";
import type { Faults } from "./faults.ts";
import type { SimState } from "./model.ts";
import { checkToken } from "./tokens.ts";

export interface SimulatorAppDeps {
  state: SimState;
  faults: Faults;
  now: () => number;
  routes: ApiTable;
}

const FAULT_MESSAGES: Record<number, string> = {
  [-1]: "system busy",
  45009: "api freq out of limit",
  45033: "api concurrent out of limit",
};

/**
 * One middleware in front of a route table keyed by API name: fault injection, method and token
 * checks, JSON body parsing, then the handler. Everything under .../cgi-bin/ is an API (so the app may
 * be mounted under a prefix); JSON answers are always HTTP 200 unless a 5xx was injected.
 */
export function createSimulatorApp({ state, faults, now, routes }: SimulatorAppDeps): Koa {
  const app = new Koa();
  app.use(async (ctx) => {
    const at = ctx.path.indexOf("/cgi-bin/");
    if (at < 0) {
      ctx.status = 404;
      ctx.body = { errcode: -1, errmsg: "not a WeCom API path" };
      return;
    }
    const api = ctx.path.slice(at + "/cgi-bin/".length).replace(/\/+$/, "");
    const fault = faults.take(api);
    if (fault.delayMs) await sleep(fault.delayMs);
    if (fault.httpStatus) {
      ctx.status = fault.httpStatus;
      ctx.type = "text/html";
      ctx.body = `<html><head><title>${fault.httpStatus}</title></head><body><center><h1>${fault.httpStatus}</h1></center><hr><center>nginx</center></body></html>`;
      state.calls.push({ api, at: now(), errcode: -1, status: fault.httpStatus });
      return;
    }

    const query = Object.fromEntries(
      Object.entries(ctx.query).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? "") : (v ?? "")]),
    );
    let result: Record<string, unknown>;
    try {
      if (fault.errcode !== undefined)
        throw new WecomError(fault.errcode, FAULT_MESSAGES[fault.errcode] ?? "simulated failure");
      const route: ApiRoute | undefined = routes[api];
      if (!route) throw new WecomError(48002, "api forbidden");
      if (ctx.method !== route.method)
        throw route.method === "GET"
          ? new WecomError(43001, "require GET method")
          : new WecomError(43002, "require POST method");
      if (!route.public) checkToken(state, query.access_token, now());
      const body = route.method === "POST" ? await readJsonObject(ctx.req) : {};
      result = { errcode: 0, errmsg: "ok", ...route.handle({ state, now, query, body, faults }) };
    } catch (err) {
      if (!(err instanceof WecomError)) throw err;
      result = { errcode: err.errcode, errmsg: errmsgFor(err.errcode, err.errmsg), ...err.extra };
    }
    state.calls.push({ api, at: now(), errcode: result.errcode as number, status: 200 });
    if (fault.answerDelayMs) await sleep(fault.answerDelayMs);
    ctx.status = 200;
    ctx.type = "application/json";
    ctx.body = JSON.stringify(result);
  });
  return app;
}

/** WeCom reads the body as JSON whatever the Content-Type says; an empty body is an empty object. */
async function readJsonObject(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks).toString("utf8").trim();
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new WecomError(40058, "Warning: wrong json format.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new WecomError(40058, "Warning: wrong json format.");
  return value as Record<string, unknown>;
}
