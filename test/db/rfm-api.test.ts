import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import type { AppState } from "../../server/src/http/app-context.ts";
import { errorMiddleware } from "../../server/src/http/error-middleware.ts";
import { JobRunner } from "../../server/src/jobs/job-runner.ts";
import type { Role } from "../../server/src/modules/auth/user.entity.ts";
import { RecomputeRequests, rfmJobs } from "../../server/src/modules/rfm/rfm-jobs.ts";
import { DEFAULT_RFM_SETTINGS } from "../../server/src/modules/rfm/rfm-settings.ts";
import { rfmRoutes } from "../../server/src/modules/rfm/rfm.routes.ts";
import { RfmService } from "../../server/src/modules/rfm/rfm.service.ts";
import { SettingsService } from "../../server/src/modules/settings/settings.service.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { given } from "../support/given.ts";
import { createTestDatabase, testDialect, type TestDatabase } from "../support/test-db.ts";

/**
 * The /rfm routes over HTTP, mounted as app.ts mounts every module's routes (under /api/v1, after
 * the error middleware and the body parser). The signed-in user comes from a test header here; the
 * session itself is auth's business and is tested there.
 */
describe(`RFM API (${testDialect()})`, () => {
  let db: TestDatabase;
  let ds: DataSource;
  let server: Server;
  let base: string;
  let jobs: JobRunner;
  const log = createLogger("silent");

  beforeAll(async () => {
    db = createTestDatabase();
    ds = await openDatabase(db.target);
    await migrate(ds);
    const rfm = new RfmService(ds, systemClock, new SettingsService(ds, systemClock), log);
    jobs = new JobRunner(ds, systemClock, log);
    for (const job of rfmJobs(rfm, new RecomputeRequests(ds, systemClock), jobs, systemClock)) jobs.register(job);
    const api = new Router<AppState>({ prefix: "/api/v1" });
    const routes = rfmRoutes(rfm, jobs);
    api.use(routes.routes(), routes.allowedMethods());
    const koa = new Koa<AppState>();
    koa
      .use(async (ctx, next) => {
        ctx.state.log = log;
        ctx.state.requestId = "test";
        const role = ctx.get("x-test-role") as Role | "";
        if (role) ctx.state.user = { id: 1, username: `${role}.user`, displayName: "测试", role, storeIds: [] };
        await next();
      })
      .use(errorMiddleware())
      .use(bodyParser())
      .use(api.routes())
      .use(api.allowedMethods());
    server = await new Promise((resolve) => {
      const s = koa.listen(0, "127.0.0.1", () => resolve(s));
    });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    const c = await given(ds).customer({ externalUserid: "wmApi" });
    await given(ds).order({ customerId: c.id, paidAt: new Date(Date.now() - 40 * 86_400_000) }); // active, not new
  });
  afterAll(async () => {
    await jobs.stop();
    await new Promise((r) => server.close(r));
    await ds.destroy();
    await db.drop();
  });

  const call = async (method: string, path: string, role: Role | null, body?: unknown) => {
    const res = await fetch(base + path, {
      method,
      headers: { ...(role ? { "x-test-role": role } : {}), ...(body ? { "content-type": "application/json" } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  /** the first computation after `afterId` once it has finished (the job runs in the background) */
  const waitForDone = async (afterId = 0) => {
    for (let i = 0; i < 200; i++) {
      const { body } = await call("GET", "/rfm/computations/latest", "hq_admin");
      if (body.computation && body.computation.id > afterId && body.computation.status !== "running")
        return body.computation;
      await new Promise((r) => setTimeout(r, 25));
    }
    throw new Error("recompute did not finish");
  };

  it("lets HQ read and change the settings, naming each bad field", async () => {
    expect(await call("GET", "/rfm/settings", null)).toMatchObject({ status: 401 });
    expect(await call("GET", "/rfm/settings", "store_manager")).toMatchObject({ status: 403 });
    expect(await call("GET", "/rfm/settings", "hq_operator")).toEqual({
      status: 200,
      body: { settings: DEFAULT_RFM_SETTINGS },
    });
    const bad = await call("PUT", "/rfm/settings", "hq_admin", { windowDays: 0, recency: [5, 4, 3, 2], method: 1 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("validation_failed");
    expect(bad.body.error.details.fields.map((f: { field: string }) => f.field).sort()).toEqual([
      "method",
      "recency",
      "windowDays",
    ]);
    const ok = await call("PUT", "/rfm/settings", "hq_operator", { windowDays: 180 });
    expect(ok).toEqual({ status: 200, body: { settings: { ...DEFAULT_RFM_SETTINGS, windowDays: 180 } } });
    expect(await call("PUT", "/rfm/settings", "store_manager", { windowDays: 90 })).toMatchObject({ status: 403 });
    await call("PUT", "/rfm/settings", "hq_operator", { windowDays: 365 });
  });

  it("starts a recompute on demand, one at a time, and shows its progress and result", async () => {
    expect(await call("POST", "/rfm/recompute", "store_manager")).toMatchObject({ status: 403 });
    const started = await call("POST", "/rfm/recompute", "hq_operator");
    expect(started).toEqual({ status: 202, body: { started: true } });
    const done = await waitForDone();
    expect(done).toMatchObject({ status: "done", triggeredBy: "manual", customersScored: 1, customersTotal: 1 });

    const list = await call("GET", "/rfm/computations?page=1&pageSize=10", "store_manager");
    expect(list).toMatchObject({ status: 200, body: { page: 1, pageSize: 10, total: 1, items: [{ id: done.id }] } });
    const one = await call("GET", `/rfm/computations/${done.id}`, "store_manager");
    expect(one).toMatchObject({
      status: 200,
      body: { computation: { id: done.id }, counts: { segments: { important_value: 1 }, lifecycle: { active: 1 } } },
    });
    expect(await call("GET", "/rfm/computations/999999", "hq_admin")).toMatchObject({ status: 404 });
    const badId = await call("GET", "/rfm/computations/abc", "hq_admin");
    expect(badId.status).toBe(400);
    expect(badId.body.error.details.fields[0].field).toBe("id");
    expect(await call("GET", "/rfm/computations?pageSize=1000", "hq_admin")).toMatchObject({ status: 400 });
  });

  it("answers the transition matrix between two computations", async () => {
    const first = (await call("GET", "/rfm/computations/latest", "hq_admin")).body.computation;
    await call("POST", "/rfm/recompute", "hq_admin");
    const second = await waitForDone(first.id);
    const res = await call("GET", `/rfm/transitions?from=${second.id - 1}&to=${second.id}`, "store_manager");
    expect(res.status).toBe(200);
    expect(res.body.matrix).toEqual([{ from: "important_value", to: "important_value", count: 1 }]);
    expect(res.body.lifecycle.matrix).toEqual([{ from: "active", to: "active", count: 1 }]);
    const missing = await call("GET", `/rfm/transitions?from=${second.id}`, "hq_admin");
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields).toEqual([{ field: "to", reason: expect.any(String) }]);
    expect(await call("GET", `/rfm/transitions?from=1&to=2`, null)).toMatchObject({ status: 401 });
  });
});
