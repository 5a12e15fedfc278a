import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { ACTIVE_STAFF_TTL_MS } from "../../server/src/modules/sidebar/sidebar.middleware.ts";
import { Staff } from "../../server/src/modules/staff/staff.entity.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

/** A sidebar session outlives nobody's employment: a staff member who leaves loses the sidebar within seconds. */
describe(`the sidebar after a staff member leaves (${testDialect()})`, () => {
  const clock = fixedClock(new Date("2026-06-01T02:00:00Z"));
  let s: TestServer;
  beforeAll(async () => {
    s = await startTestServer({ clock });
  });
  afterAll(() => s.stop());

  it("answers 401 once the active-staff check is older than its few seconds, and lets a returning member in at once", async () => {
    const g = given(s.ds);
    const staff = await g.staff({ userid: "leaver", name: "离职导购" });
    const c = await g.customer({ name: "张三" });
    await g.follow(c.id, staff.id);
    const http = s.client();
    expect((await http.post("/api/v1/sidebar/dev/login", { userid: "leaver" })).status).toBe(200);
    expect((await http.get(`/api/v1/sidebar/customers/${c.externalUserid}`)).status).toBe(200);

    await s.ds.getRepository(Staff).update(staff.id, { status: "left" });
    clock.advance(ACTIVE_STAFF_TTL_MS); // until then this instance may still trust its last check
    for (const path of ["/api/v1/sidebar/me", `/api/v1/sidebar/customers/${c.externalUserid}`, "/api/v1/sidebar/tasks"])
      expect((await http.get(path)).status, path).toBe(401);

    await s.ds.getRepository(Staff).update(staff.id, { status: "active" });
    expect((await http.get("/api/v1/sidebar/me")).status).toBe(200);
  });
});
