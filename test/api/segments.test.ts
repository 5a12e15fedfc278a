import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerRfm } from "../../server/src/modules/rfm/rfm.entity.ts";
import { CustomerTag, Tag, TagGroup } from "../../server/src/modules/tags/tag.entity.ts";
import { Target } from "../../server/src/modules/campaigns/campaign.entity.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

describe(`segments over HTTP (${testDialect()})`, () => {
  let s: TestServer;
  const ids: Record<string, number> = {};
  let vip: Tag;
  let groupId: number;

  beforeAll(async () => {
    s = await startTestServer();
    const g = given(s.ds);
    const now = new Date();
    const sh = await g.store({ code: "SH01" });
    const hz = await g.store({ code: "HZ01" });
    const li = await g.staff({ userid: "li", storeIds: [sh.id] });
    const wang = await g.staff({ userid: "wang", storeIds: [hz.id] });
    const spec = [
      ["a", li.id, "important_value", "active", 5, "store_qr_SH01", "2026-01-10T00:00:00Z"],
      ["b", li.id, "important_retain", "silent", 2, "livestream_1111", "2026-05-01T00:00:00Z"],
      ["c", wang.id, "general_retain", "churned", 1, "store_qr_HZ01", "2026-09-01T00:00:00Z"],
      ["d", wang.id, null, "prospect", null, null, "2026-10-01T00:00:00Z"],
    ] as const;
    for (const [name, staff, segment, lifecycle, r, state, added] of spec) {
      const c = await g.customer({ name });
      ids[name] = c.id;
      await g.follow(c.id, staff, { state, addedAt: new Date(added) });
      await s.ds.getRepository(CustomerRfm).insert({
        customerId: c.id,
        computationId: 1,
        segment,
        lifecycle,
        rScore: r,
        fScore: r,
        mScore: r,
        recencyDays: r ? 10 * (6 - r) : null,
        frequency: r,
        monetaryCents: r ? r * 10_000 : null,
        firstPaidAt: null,
        lastPaidAt: null,
        updatedAt: now,
      });
    }
    const tg = await s.ds.getRepository(TagGroup).save({
      code: "manual:x",
      name: "x",
      source: "manual",
      sort: 0,
      wecomGroupId: null,
      createdAt: now,
      updatedAt: now,
    });
    vip = await s.ds.getRepository(Tag).save({
      groupId: tg.id,
      code: "manual:vip",
      name: "VIP",
      source: "manual",
      isSystem: false,
      mirrorToWecom: false,
      wecomTagId: null,
      sort: 0,
      deletedAt: null,
      createdAt: now,
      updatedAt: now,
    });
    await s.ds.getRepository(CustomerTag).insert(
      [ids.a!, ids.c!].map((customerId) => ({
        customerId,
        tagId: vip.id,
        source: "manual" as const,
        assignedBy: null,
        createdAt: now,
      })),
    );
    const grp = await g.group(li, { chatId: "wrX", name: "群", memberCount: 2, createdAt: now, updatedAt: now });
    groupId = grp.id;
    for (const [name, last] of [
      ["a", new Date(Date.now() - 2 * 86_400_000)],
      ["b", null],
    ] as const)
      await g.groupMember(groupId, {
        memberId: `m${name}`,
        customerId: ids[name]!,
        joinedAt: now,
        lastMessageAt: last,
        messageCount: last ? 3 : 0,
        createdAt: now,
        updatedAt: now,
      });
    // c was reached by campaign 7 yesterday
    await s.ds.getRepository(Target).insert({
      campaignId: 7,
      taskId: null,
      staffId: wang.id,
      customerId: ids.c!,
      groupId: null,
      status: "sent",
      isControl: false,
      variant: null,
      reason: null,
      sentAt: new Date(Date.now() - 86_400_000),
      convertedAt: null,
      conversionOrderId: null,
      revenueCents: 0,
      createdAt: now,
      updatedAt: now,
    });
    await g.user({ username: "ops.user", role: "hq_operator" });
    await g.user({ username: "mgr.hz", role: "store_manager", storeCodes: ["HZ01"] });
  });
  afterAll(() => s.stop());

  const as = async (username: string) => {
    const http = s.client();
    await http.post("/api/v1/auth/login", { username, password: "correct-horse-9" });
    return http;
  };
  const members = async (rule: unknown, user = "ops.user") => {
    const res = await (await as(user)).post("/api/v1/segments/preview", { rule });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    return res.body.sample
      .map((x: { name: string }) => x.name)
      .sort()
      .join(",");
  };

  it("gives the same members for each kind of condition", async () => {
    expect(await members({ all: [] })).toBe("a,b,c,d");
    expect(
      await members({ all: [{ field: "segment", op: "in", values: ["important_value", "important_retain"] }] }),
    ).toBe("a,b");
    expect(await members({ all: [{ field: "segment", op: "not_in", values: ["important_value"] }] })).toBe("b,c,d");
    expect(await members({ all: [{ field: "lifecycle", op: "in", values: ["prospect", "churned"] }] })).toBe("c,d");
    expect(await members({ all: [{ field: "score", dimension: "m", range: { min: 2, max: 4 } }] })).toBe("b");
    expect(await members({ all: [{ field: "figure", figure: "recency_days", range: { max: 30 } }] })).toBe("a");
    expect(await members({ all: [{ field: "tags", op: "none", tagIds: [vip.id] }] })).toBe("b,d");
    expect(await members({ all: [{ field: "group_member", op: "in" }] })).toBe("a,b");
    expect(await members({ all: [{ field: "group_member", op: "not_in", groupIds: [groupId] }] })).toBe("c,d");
    expect(await members({ all: [{ field: "group_activity", op: "active_within_days", days: 7 }] })).toBe("a");
    expect(await members({ all: [{ field: "group_activity", op: "silent_for_days", days: 7 }] })).toBe("b");
    expect(await members({ all: [{ field: "owner", op: "in", userids: ["wang"] }] })).toBe("c,d");
    expect(
      await members({
        all: [{ field: "follow_date", from: "2026-04-01T00:00:00+08:00", to: "2026-09-30T00:00:00+08:00" }],
      }),
    ).toBe("b,c");
    expect(await members({ all: [{ field: "channel_state", op: "prefix", values: ["store_qr_"] }] })).toBe("a,c");
    expect(await members({ all: [{ field: "channel_state", op: "in", values: ["livestream_1111"] }] })).toBe("b");
    expect(await members({ all: [{ field: "not_contacted_days", days: 3 }] })).toBe("a,b,d");
    expect(await members({ all: [{ field: "not_in_campaign", campaignIds: [7] }] })).toBe("a,b,d");
    const hz = (await s.ds.query("SELECT id FROM stores WHERE code = 'HZ01'"))[0].id;
    expect(await members({ all: [{ field: "store", op: "not_in", storeIds: [hz] }] })).toBe("a,b");
  });

  it("combines nested any/all groups", async () => {
    const rule = {
      any: [
        {
          all: [
            { field: "tags", op: "any", tagIds: [vip.id] },
            { field: "lifecycle", op: "in", values: ["churned"] },
          ],
        },
        {
          all: [
            { field: "group_member", op: "in" },
            { field: "score", dimension: "r", range: { max: 2 } },
          ],
        },
      ],
    };
    expect(await members(rule)).toBe("b,c");
  });

  it("keeps a store manager's preview inside their stores", async () => {
    expect(await members({ all: [] }, "mgr.hz")).toBe("c,d");
  });

  it("refuses bad rules naming the place, and takes hostile values as data", async () => {
    const http = await as("ops.user");
    const bad = await http.post("/api/v1/segments/preview", {
      rule: { all: [{ field: "score", dimension: "x", range: { min: 1 } }] },
    });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toMatch(/^rule/);
    let deep: unknown = { all: [] };
    for (let i = 0; i < 6; i++) deep = { all: [deep] };
    expect((await http.post("/api/v1/segments/preview", { rule: deep })).status).toBe(400);
    expect(await members({ all: [{ field: "owner", op: "in", userids: ["x' OR '1'='1"] }] })).toBe("");
  });

  it("saves, lists, updates and deletes segments by name", async () => {
    const http = await as("ops.user");
    const created = await http.post("/api/v1/segments", {
      name: "重要客户",
      rule: { all: [{ field: "segment", op: "in", values: ["important_value", "important_retain"] }] },
    });
    expect(created.status).toBe(201);
    expect(created.body.lastCount).toBe(2);
    expect((await http.post("/api/v1/segments", { name: "重要客户", rule: { all: [] } })).status).toBe(409);
    const got = await http.get(`/api/v1/segments/${created.body.id}`);
    expect(got.body.preview.count).toBe(2);
    const updated = await http.request("PUT", `/api/v1/segments/${created.body.id}`, {
      name: "重要客户",
      rule: { all: [] },
    });
    expect(updated.body.lastCount).toBe(4);
    expect((await http.get("/api/v1/segments")).body.items).toHaveLength(1);
    expect((await (await as("mgr.hz")).post("/api/v1/segments", { name: "店长的", rule: { all: [] } })).status).toBe(
      403,
    );
    expect((await http.request("DELETE", `/api/v1/segments/${created.body.id}`)).status).toBe(204);
    expect((await http.get(`/api/v1/segments/${created.body.id}`)).status).toBe(404);
  });
});
