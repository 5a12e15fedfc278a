import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CustomerRfm } from "../../server/src/modules/rfm/rfm.entity.ts";
import { CustomerTag, Tag, TagGroup } from "../../server/src/modules/tags/tag.entity.ts";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

describe(`customer list and tags over HTTP (${testDialect()})`, () => {
  let s: TestServer;
  const ids: Record<string, number> = {};
  let vip: Tag, gift: Tag, system: Tag;

  beforeAll(async () => {
    s = await startTestServer();
    const g = given(s.ds);
    const sh = await g.store({ code: "SH01", name: "上海店" });
    const hz = await g.store({ code: "HZ01", name: "杭州店" });
    const li = await g.staff({ userid: "li", name: "李", storeIds: [sh.id] });
    const wang = await g.staff({ userid: "wang", name: "王", storeIds: [hz.id] });
    const now = new Date();
    // a: SH, important_value 5/5/5; b: SH+HZ, general_retain 1/1/1; c: HZ, important_retain 2/1/5; d: prospect, no relation
    const rows = [
      [
        "a",
        [li.id],
        {
          segment: "important_value",
          lifecycle: "active",
          rScore: 5,
          fScore: 5,
          mScore: 5,
          recencyDays: 3,
          frequency: 9,
          monetaryCents: 500_000,
        },
      ],
      [
        "b",
        [li.id, wang.id],
        {
          segment: "general_retain",
          lifecycle: "churned",
          rScore: 1,
          fScore: 1,
          mScore: 1,
          recencyDays: 400,
          frequency: 0,
          monetaryCents: 0,
        },
      ],
      [
        "c",
        [wang.id],
        {
          segment: "important_retain",
          lifecycle: "silent",
          rScore: 2,
          fScore: 1,
          mScore: 5,
          recencyDays: 150,
          frequency: 1,
          monetaryCents: 300_000,
        },
      ],
      ["d", [], null],
    ] as const;
    for (const [name, staff, rfm] of rows) {
      const c = await g.customer({ name: `客户${name}`, mobile: name === "a" ? "13800000001" : null });
      ids[name] = c.id;
      for (const st of staff) await g.follow(c.id, st, { remark: name === "c" ? "VIP王姐" : null });
      await s.ds.getRepository(CustomerRfm).insert({
        customerId: c.id,
        computationId: 1,
        updatedAt: now,
        firstPaidAt: null,
        lastPaidAt: null,
        ...(rfm ?? {
          segment: null,
          lifecycle: "prospect",
          rScore: null,
          fScore: null,
          mScore: null,
          recencyDays: null,
          frequency: null,
          monetaryCents: null,
        }),
      });
    }
    const manual = await s.ds.getRepository(TagGroup).save({
      code: "manual:兴趣",
      name: "兴趣",
      source: "manual",
      sort: 1,
      wecomGroupId: null,
      createdAt: now,
      updatedAt: now,
    });
    const rfmGroup = await s.ds.getRepository(TagGroup).save({
      code: "rfm",
      name: "RFM 分层",
      source: "rfm",
      sort: 0,
      wecomGroupId: null,
      createdAt: now,
      updatedAt: now,
    });
    const mk = (groupId: number, code: string, name: string, source: "manual" | "rfm") =>
      s.ds.getRepository(Tag).save({
        groupId,
        code,
        name,
        source,
        isSystem: source !== "manual",
        mirrorToWecom: false,
        wecomTagId: null,
        sort: 0,
        deletedAt: null,
        createdAt: now,
        updatedAt: now,
      });
    vip = await mk(manual.id, "manual:vip", "VIP", "manual");
    gift = await mk(manual.id, "manual:gift", "礼品偏好", "manual");
    system = await mk(rfmGroup.id, "rfm:important_value", "重要价值客户", "rfm");
    for (const [c, t] of [
      ["a", vip],
      ["a", gift],
      ["b", vip],
      ["a", system],
    ] as const)
      await s.ds
        .getRepository(CustomerTag)
        .insert({ customerId: ids[c]!, tagId: t.id, source: t.source, assignedBy: null, createdAt: now });
    await g.user({ username: "ops.user", role: "hq_operator" });
    await g.user({ username: "mgr.hz", role: "store_manager", storeCodes: ["HZ01"] });
  });
  afterAll(() => s.stop());

  const as = async (username: string) => {
    const http = s.client();
    expect((await http.post("/api/v1/auth/login", { username, password: "correct-horse-9" })).status).toBe(200);
    return http;
  };
  const names = (res: { body: { items: { name: string }[] } }) => res.body.items.map((i) => i.name).sort();

  it("exports the filtered list as CSV, every match, in the user's scope", async () => {
    const ops = await as("ops.user");
    const res = await ops.get(`/api/v1/customers/export.csv?tagsAny=${vip.id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/csv");
    expect(res.headers.get("content-disposition")).toMatch(/attachment; filename="customers-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = res.text.trimEnd().split("\n");
    // (fetch's text() drops the UTF-8 BOM the server writes for Excel)
    expect(lines[0]).toBe(
      "id,external_userid,name,segment,lifecycle,r_score,f_score,m_score,recency_days,frequency,monetary_cents,last_paid_at,owners,tags",
    );
    const rows = lines.slice(1).map((l) => l.split(","));
    expect(rows.map((r) => r[2])).toEqual(["客户a", "客户b"]);
    expect(rows[0]!.slice(3, 11)).toEqual(["important_value", "active", "5", "5", "5", "3", "9", "500000"]);
    expect(rows[1]![12]!.split("|").sort()).toEqual(["li", "wang"]);
    // a store manager exports only their stores' customers; a bad filter is refused before any byte
    const mgr = await as("mgr.hz");
    const scoped = await mgr.get("/api/v1/customers/export.csv");
    expect(
      scoped.text
        .trimEnd()
        .split("\n")
        .slice(1)
        .map((l) => l.split(",")[2]),
    ).toEqual(["客户b", "客户c"]);
    const bad = await ops.get("/api/v1/customers/export.csv?rMin=9");
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0].field).toBe("rMin");
  });

  it("filters by segment, lifecycle, scores, figures, tags, store, owner and words, combined", async () => {
    const http = await as("ops.user");
    const q = async (qs: string) => names(await http.get(`/api/v1/customers?${qs}`));
    expect(await q("")).toEqual(["客户a", "客户b", "客户c", "客户d"]);
    expect(await q("segment=important_value,important_retain")).toEqual(["客户a", "客户c"]);
    expect(await q("lifecycle=prospect")).toEqual(["客户d"]);
    expect(await q("mMin=5&rMax=2")).toEqual(["客户c"]);
    expect(await q("recencyMin=100&frequencyMax=0")).toEqual(["客户b"]);
    expect(await q(`tagsAny=${vip.id}`)).toEqual(["客户a", "客户b"]);
    expect(await q(`tagsAll=${vip.id},${gift.id}`)).toEqual(["客户a"]);
    expect(await q(`tagsNone=${vip.id}`)).toEqual(["客户c", "客户d"]);
    expect(await q(`tagsAny=${vip.id}&segment=general_retain`)).toEqual(["客户b"]);
    const hz = (await s.ds.query("SELECT id FROM stores WHERE code = 'HZ01'"))[0].id;
    expect(await q(`store=${hz}`)).toEqual(["客户b", "客户c"]);
    expect(await q("owner=li")).toEqual(["客户a", "客户b"]);
    expect(await q("q=13800000001")).toEqual(["客户a"]);
    expect(await q("q=王姐")).toEqual(["客户c"]);
    expect(await q("q=%25")).toEqual([]); // a literal % matches nothing, not everything
  });

  it("pages and sorts, and says what it returned", async () => {
    const http = await as("ops.user");
    const page = await http.get("/api/v1/customers?pageSize=2&page=2&sort=-monetary");
    expect(page.body).toMatchObject({ page: 2, pageSize: 2, total: 4 });
    expect(page.body.items.map((i: { name: string }) => i.name)).toEqual(["客户b", "客户d"]);
    const first = (await http.get("/api/v1/customers?pageSize=1&sort=-monetary")).body.items[0];
    expect(first).toMatchObject({
      name: "客户a",
      segment: "important_value",
      rScore: 5,
      monetaryCents: 500_000,
      owners: [{ userid: "li", name: "李" }],
    });
    expect(first.tags.map((t: { name: string }) => t.name).sort()).toEqual(["VIP", "礼品偏好", "重要价值客户"]);
  });

  it("refuses a bad filter naming the field", async () => {
    const http = await as("ops.user");
    for (const [qs, field] of [
      ["rMin=7", "rMin"],
      ["segment=vip", "segment.0"],
      ["pageSize=500", "pageSize"],
      ["rMin=4&rMax=2", "rMin"],
      ["tagsAny=x", "tagsAny.0"],
    ]) {
      const res = await http.get(`/api/v1/customers?${qs}`);
      expect(res.status, qs).toBe(400);
      expect(
        res.body.error.details.fields.map((f: { field: string }) => f.field),
        qs,
      ).toContain(field);
    }
  });

  it("shows a store manager only their store's customers, and 404 for others", async () => {
    const http = await as("mgr.hz");
    expect(names(await http.get("/api/v1/customers"))).toEqual(["客户b", "客户c"]);
    expect((await http.get(`/api/v1/customers/${ids.c}`)).status).toBe(200);
    expect((await http.get(`/api/v1/customers/${ids.a}`)).status).toBe(404);
    expect((await http.post(`/api/v1/customers/${ids.a}/tags`, { tagId: gift.id })).status).toBe(404);
  });

  it("lists stores and staff, scoped for a store manager", async () => {
    const hq = await as("ops.user");
    expect((await hq.get("/api/v1/stores")).body.items.map((x: { code: string }) => x.code)).toEqual(["HZ01", "SH01"]);
    expect(
      (await hq.get("/api/v1/staff")).body.items.map((x: { userid: string; customers: number }) => [
        x.userid,
        x.customers,
      ]),
    ).toEqual([
      ["li", 2],
      ["wang", 2],
    ]);
    const mgr = await as("mgr.hz");
    expect((await mgr.get("/api/v1/stores")).body.items.map((x: { code: string }) => x.code)).toEqual(["HZ01"]);
    expect((await mgr.get("/api/v1/staff")).body.items.map((x: { userid: string }) => x.userid)).toEqual(["wang"]);
  });

  it("gives a profile with relations, figures and tags", async () => {
    const http = await as("ops.user");
    const res = await http.get(`/api/v1/customers/${ids.c}`);
    expect(res.body.customer.name).toBe("客户c");
    expect(res.body.rfm).toMatchObject({ segment: "important_retain", lifecycle: "silent", mScore: 5 });
    expect(res.body.followRelations).toEqual([
      expect.objectContaining({ userid: "wang", remark: "VIP王姐", status: "active" }),
    ]);
    expect((await http.get("/api/v1/customers/99999")).status).toBe(404);
    expect((await http.get("/api/v1/customers/abc")).status).toBe(404);
  });

  it("adds and removes manual tags with history; system tags stay the engine's", async () => {
    const http = await as("ops.user");
    expect((await http.post(`/api/v1/customers/${ids.c}/tags`, { tagId: gift.id })).status).toBe(204);
    expect((await http.post(`/api/v1/customers/${ids.c}/tags`, { tagId: gift.id })).status).toBe(204); // idempotent
    expect((await http.post(`/api/v1/customers/${ids.c}/tags`, { tagId: system.id })).status).toBe(403);
    expect((await http.request("DELETE", `/api/v1/customers/${ids.a}/tags/${system.id}`)).status).toBe(403);
    expect((await http.request("DELETE", `/api/v1/customers/${ids.c}/tags/${gift.id}`)).status).toBe(204);
    const history = (await http.get(`/api/v1/customers/${ids.c}`)).body.tagHistory;
    expect(history.map((h: { kind: string; tag: string }) => `${h.kind}:${h.tag}`)).toEqual([
      "tag_removed:礼品偏好",
      "tag_added:礼品偏好",
    ]);
    expect(history[0].actor).toBe("ops.user");
  });

  it("manages tag groups and tags with the rules of each source", async () => {
    const http = await as("ops.user");
    const groups = (await http.get("/api/v1/tag-groups")).body.items;
    expect(groups.find((g: { code: string }) => g.code === "rfm").tags[0]).toMatchObject({
      name: "重要价值客户",
      isSystem: true,
      customers: 1,
    });
    const created = await http.post("/api/v1/tag-groups", { name: "渠道" });
    expect(created.status).toBe(201);
    expect((await http.post("/api/v1/tag-groups", { name: "渠道" })).status).toBe(409);
    const tag = await http.post("/api/v1/tags", { groupId: created.body.id, name: "直播间" });
    expect(tag.status).toBe(201);
    expect(
      (await http.post("/api/v1/tags", { groupId: created.body.id, name: "x".repeat(31) })).body.error.details.fields[0]
        .field,
    ).toBe("name");
    expect(
      (
        await http.post("/api/v1/tags", {
          groupId: groups.find((g: { code: string }) => g.code === "rfm").id,
          name: "手工",
        })
      ).status,
    ).toBe(403);
    expect((await http.request("PATCH", `/api/v1/tags/${system.id}`, { name: "改名" })).status).toBe(403);
    expect((await http.request("PATCH", `/api/v1/tags/${system.id}`, { mirrorToWecom: true })).status).toBe(200);
    expect((await http.request("PATCH", `/api/v1/tags/${vip.id}`, { mirrorToWecom: true })).status).toBe(400);
    expect((await http.request("DELETE", `/api/v1/tags/${system.id}`)).status).toBe(403);
    expect((await http.request("DELETE", `/api/v1/tags/${vip.id}`)).status).toBe(204);
    const after = (await http.get(`/api/v1/customers?tagsAny=${vip.id}`)).body.total;
    expect(after).toBe(0);
    const mgr = await as("mgr.hz");
    expect((await mgr.post("/api/v1/tags", { groupId: created.body.id, name: "店长建" })).status).toBe(403);
  });
});
