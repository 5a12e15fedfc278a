import { describe, expect, it } from "vitest";
import Koa from "koa";
import { z } from "zod";
import type { AddressInfo } from "node:net";
import { createLogger } from "../platform/logger.ts";
import type { AppState } from "./app-context.ts";
import { errorMiddleware } from "./error-middleware.ts";
import { ConflictError } from "./errors.ts";
import { requestLog } from "./request-log.ts";
import { parseInput } from "./validate.ts";

async function call(handler: Koa.Middleware<AppState>, path = "/") {
  const app = new Koa<AppState>()
    .use(requestLog(createLogger("silent")))
    .use(errorMiddleware())
    .use(handler);
  const server = app.listen(0, "127.0.0.1");
  await new Promise((r) => server.once("listening", r));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`);
    return { status: res.status, body: await res.json(), requestId: res.headers.get("x-request-id") };
  } finally {
    server.close();
  }
}

describe("error middleware", () => {
  it("turns a validation failure into 400 naming each field", async () => {
    const res = await call(() => {
      parseInput(z.object({ name: z.string().min(1), age: z.number() }), { name: "" });
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe("validation_failed");
    expect(res.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual(["age", "name"]);
  });

  it("maps domain errors to their status", async () => {
    const res = await call(() => {
      throw new ConflictError("already launched");
    });
    expect(res).toMatchObject({
      status: 409,
      body: { error: { code: "conflict", message: "already launched", details: {} } },
    });
  });

  it("answers unknown routes 404 in the same shape", async () => {
    const res = await call(async () => {}, "/nothing/here");
    expect(res.status).toBe(404);
    expect(res.body.error).toMatchObject({ code: "not_found", message: "No route for GET /nothing/here" });
  });

  it("hides the stack of an unexpected error and gives the request id", async () => {
    const res = await call(() => {
      throw new Error("secret internals at /srv/app.ts:12");
    });
    expect(res.status).toBe(500);
    expect(res.body).toEqual({
      error: { code: "internal_error", message: "Internal server error", details: { requestId: res.requestId } },
    });
    expect(JSON.stringify(res.body)).not.toContain("secret internals");
  });
});
