import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../server/src/platform/clock.ts";
import { CustomerTag } from "../../server/src/modules/tags/tag.entity.ts";
import { given } from "../support/given.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";

const T0 = new Date("2026-11-07T02:00:00Z");

describe(`tag mirror status over HTTP (${testDialect()})`, () => {
  let s: WecomTestServer;
  const clock = fixedClock(T0);
  let ids: { value: number; retain: number; hidden: number };
  beforeAll(async () => {
    s = await startWecomTestServer({ clock });
    await s.services().sync.run("test");
    const now = new Date();
    const g = given(s.ds);
    const group = await g.tagGroup({ code: "rfm", name: "RFM", source: "rfm" });
    const mk = (code: string, name: string, mirror: boolean) =>
      g.tag(group.id, { code, name, source: "rfm", isSystem: true, mirrorToWecom: mirror });
    const value = await mk("rfm:important_value", "重要价值客户", true);
    const retain = await mk("rfm:important_retain", "重要挽留客户", true);
    const hidden = await mk("rfm:general_keep", "一般保持客户", false);
    ids = { value: value.id, retain: retain.id, hidden: hidden.id };
    // wmTEST00000 is followed by li.na and wang.fang: two relations to mark with `value`
    const [c] = await s.ds.query("SELECT id FROM customers WHERE external_userid = 'wmTEST00000'");
    for (const tagId of [value.id, hidden.id])
      await s.ds
        .getRepository(CustomerTag)
        .insert({ customerId: c.id, tagId, source: "rfm", assignedBy: null, createdAt: now });
    await given(s.ds).user({ role: "hq_operator", username: "ops" });
  });
  afterAll(() => s.stop());

  const status = async () => {
    const http = s.client();
    await http.post("/api/v1/auth/login", { username: "ops", password: "correct-horse-9" });
    const res = await http.get("/api/v1/tag-mirror/status");
    expect(res.status).toBe(200);
    const byId = (id: number) => res.body.tags.find((t: { tagId: number }) => t.tagId === id);
    return { body: res.body, value: byId(ids.value), retain: byId(ids.retain), hidden: byId(ids.hidden) };
  };

  it("shows mirrored tags as pending before the first run, and unmirrored ones as off", async () => {
    const st = await status();
    expect(st.body.lastRun).toBeNull();
    expect(st.value).toMatchObject({ state: "pending", wecomTagId: null, lastMirroredAt: null, failedRelations: 0 });
    expect(st.hidden).toMatchObject({ state: "off", lastMirroredAt: null });
  });

  it("marks a tag failed when a relation could not be marked, then mirrored once the next run catches up", async () => {
    s.sim.faults.failNext("externalcontact/mark_tag", 40068, 1);
    await s.services().tagMirror.run();
    const first = await status();
    expect(first.body.lastRun).toMatchObject({
      finishedAt: T0.toISOString(),
      error: null,
      report: { tagsCreated: 2, marked: 1, failed: 1 },
    });
    expect(first.value).toMatchObject({
      state: "failed",
      failedRelations: 1,
      pendingRelations: 1,
      lastMirroredAt: null,
      error: expect.stringMatching(/^40068 /),
    });
    expect(first.value.wecomTagId).toMatch(/.+/);
    // nothing to do for `retain` (nobody carries it): mirrored as soon as its corp tag exists
    expect(first.retain).toMatchObject({ state: "mirrored", pendingRelations: 0, lastMirroredAt: T0.toISOString() });

    clock.advance(30 * 60_000);
    await s.services().tagMirror.run();
    const second = await status();
    const t1 = new Date(T0.getTime() + 30 * 60_000).toISOString();
    expect(second.value).toMatchObject({
      state: "mirrored",
      failedRelations: 0,
      pendingRelations: 0,
      lastMirroredAt: t1,
      error: null,
    });
    expect(second.hidden.state).toBe("off");
  });

  it("counts a newly tagged customer's relations as pending until the next run", async () => {
    const [c] = await s.ds.query("SELECT id FROM customers WHERE external_userid <> 'wmTEST00000' ORDER BY id LIMIT 1");
    const relations = await s.ds.query(
      "SELECT COUNT(*) AS n FROM follow_relations WHERE customer_id = ? AND status = 'active'",
      [c.id],
    );
    await s.ds
      .getRepository(CustomerTag)
      .insert({ customerId: c.id, tagId: ids.retain, source: "rfm", assignedBy: null, createdAt: new Date() });
    const st = await status();
    expect(st.retain).toMatchObject({ state: "pending", pendingRelations: Number(relations[0].n) });
    expect(Number(relations[0].n)).toBeGreaterThan(0);
  });
});
