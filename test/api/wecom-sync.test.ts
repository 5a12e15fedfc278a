import { afterEach, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { followKey } from "../../server/src/wecom/simulator/index.ts";
import { wecomSnapshot } from "../support/snapshot.ts";
import { smallCorpSeed } from "../support/wecom-corp.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";

const count = async (s: WecomTestServer, sql: string) => num((await s.ds.query(sql))[0].n);

describe(`full WeCom sync against the simulator (${testDialect()})`, () => {
  const servers: WecomTestServer[] = [];
  const start = async (seed = smallCorpSeed()) => {
    const s = await startWecomTestServer({ seed });
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    while (servers.length) await servers.pop()!.stop();
  });

  it("brings in staff, customers, relations, tags and groups, and a second run changes nothing", async () => {
    const seed = smallCorpSeed();
    const s = await start(seed);
    const run = await s.services().sync.run("test");
    expect(run.status).toBe("done");
    expect(await count(s, "SELECT COUNT(*) AS n FROM customers")).toBe(seed.customers.length);
    expect(await count(s, "SELECT COUNT(*) AS n FROM follow_relations WHERE status = 'active'")).toBe(
      seed.follows.length,
    );
    expect(await count(s, "SELECT COUNT(*) AS n FROM customer_groups WHERE status = 'active'")).toBe(
      seed.groups.length,
    );
    expect(await count(s, "SELECT COUNT(*) AS n FROM group_members WHERE left_at IS NULL")).toBe(
      seed.groups.reduce((a, g) => a + g.members.length, 0),
    );
    expect(run.counts).toMatchObject({
      staff: 3,
      customers: seed.customers.length,
      relations: seed.follows.length,
      groups: 3,
      tags: 1,
    });
    // details land where they belong
    const [rel] = await s.ds.query(
      `SELECT f.remark, f.state, f.add_way, f.wecom_tag_ids FROM follow_relations f JOIN customers c ON c.id = f.customer_id WHERE c.external_userid = 'wmTEST00000'`,
    );
    expect(rel).toMatchObject({ remark: "备注0", state: "store_qr_SH01", wecom_tag_ids: JSON.stringify(["etVIP"]) });
    const [member] = await s.ds.query(
      "SELECT m.customer_id, m.join_scene FROM group_members m WHERE m.member_id = 'wmTEST00000'",
    );
    expect(member.customer_id).not.toBeNull();

    const before = await wecomSnapshot(s.ds);
    const getsBefore = s.sim.calls.filter((c) => c.api.endsWith("groupchat/get")).length;
    expect((await s.services().sync.run("test")).status).toBe("done");
    expect(await wecomSnapshot(s.ds)).toEqual(before);
    expect(s.sim.calls.filter((c) => c.api.endsWith("groupchat/get")).length - getsBefore).toBe(3);
  });

  it("meets expired tokens, 45009 and 5xx midway and ends with the same result as a clean run", async () => {
    const clean = await start();
    await clean.services().sync.run("test");
    const expected = await wecomSnapshot(clean.ds);

    const s = await start();
    s.sim.faults.failNext("externalcontact/batch/get_by_user", 45009, 2);
    s.sim.faults.httpErrorNext("externalcontact/groupchat/get", 502, 2);
    s.sim.faults.failNext("user/get", -1, 1);
    let pages = 0;
    const run = await s.services().sync.run("test", undefined, () => {
      if (++pages === 2) s.sim.faults.expireTokens(); // the token dies between two pages
    });
    expect(run.status).toBe("done");
    expect(await wecomSnapshot(s.ds)).toEqual(expected);
    const errcodes = s.sim.calls.map((c) => c.errcode);
    expect(errcodes).toEqual(expect.arrayContaining([45009, 42001, -1]));
    expect(s.sim.calls.some((c) => c.status === 502)).toBe(true);
    expect(s.sim.calls.filter((c) => c.api === "gettoken").length).toBe(2);
  });

  it("resumes a run killed midway without duplicating anything", async () => {
    const clean = await start();
    await clean.services().sync.run("test");
    const expected = await wecomSnapshot(clean.ds);

    const s = await start();
    const kill = new AbortController();
    let pages = 0;
    const first = await s.services().sync.run("test", kill.signal, (r) => {
      if (r.phase === "customers" && ++pages === 2) kill.abort(); // the process "dies" after two pages
    });
    expect(first.status).toBe("running");
    expect(await count(s, "SELECT COUNT(*) AS n FROM customers")).toBeLessThan(250);
    const resumed = await s.services().sync.run("test");
    expect(resumed.id).toBe(first.id);
    expect(resumed.status).toBe("done");
    expect(await wecomSnapshot(s.ds)).toEqual(expected);
    expect(await count(s, "SELECT COUNT(*) AS n FROM sync_runs")).toBe(1);
  });

  it("marks relations and groups that disappeared, and leaves unlicensed members' customers alone", async () => {
    const s = await start(smallCorpSeed({ unlicensed: true }));
    await s.services().sync.run("test");
    const unlicensedRelations = await count(
      s,
      "SELECT COUNT(*) AS n FROM follow_relations f JOIN staff st ON st.id = f.staff_id WHERE st.userid = 'zhang.wei'",
    );
    expect(unlicensedRelations).toBe(0);
    expect((await s.services().sync.latest())!.counts!.unlicensed).toEqual(["zhang.wei"]);

    // gone from WeCom without a callback (e.g. deleted while callbacks were down)
    s.sim.state.follows.delete(followKey("li.na", "wmTEST00000"));
    s.sim.state.groups.get("wrGROUP1")!.dismissed = true;
    await s.services().sync.run("test");
    const [rel] = await s.ds.query(
      `SELECT f.status, f.ended_at FROM follow_relations f JOIN customers c ON c.id = f.customer_id JOIN staff st ON st.id = f.staff_id
        WHERE c.external_userid = 'wmTEST00000' AND st.userid = 'li.na'`,
    );
    expect(rel.status).toBe("gone");
    expect(rel.ended_at).not.toBeNull();
    expect((await s.ds.query("SELECT status FROM customer_groups WHERE chat_id = 'wrGROUP1'"))[0].status).toBe(
      "dismissed",
    );
    expect((await s.services().sync.latest())!.counts!.relationsGone).toBe(1);
  });

  it("runs from the admin API, one at a time, with progress", async () => {
    const s = await start();
    await s.app.services.auth.createUser({
      username: "hq.ops",
      password: "long-enough-1",
      displayName: "HQ",
      role: "hq_operator",
    });
    const http = s.client();
    expect((await http.post("/api/v1/wecom/sync")).status).toBe(401);
    await http.post("/api/v1/auth/login", { username: "hq.ops", password: "long-enough-1" });
    s.sim.faults.slowNext("externalcontact/get_follow_user_list", 300);
    const [a, b] = await Promise.all([http.post("/api/v1/wecom/sync"), http.post("/api/v1/wecom/sync")]);
    expect([a.status, b.status]).toEqual([202, 202]);
    expect([a.body.started, b.body.started].sort()).toEqual([false, true]);
    let run;
    for (let i = 0; i < 200; i++) {
      run = (await http.get("/api/v1/wecom/sync")).body.run;
      if (run?.status === "done") break;
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(run).toMatchObject({ status: "done", phase: "finish", counts: { customers: 250 } });
  });
});
