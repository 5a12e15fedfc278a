import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { CustomerIdentity } from "../../server/src/modules/customers/customer.entity.ts";
import { MaterialsService } from "../../server/src/modules/materials/materials.service.ts";
import { systemClock } from "../../server/src/platform/clock.ts";
import { given } from "../support/given.ts";
import type { HttpClient } from "../support/http-client.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

const csv = (...lines: string[]) => lines.join("\r\n") + "\r\n";

describe(`uploaded-list audiences over HTTP (${testDialect()})`, () => {
  let s: TestServer;
  let hq: HttpClient;

  const signIn = async (role: "hq_admin" | "hq_operator" | "store_manager", storeCodes: string[] = []) => {
    const user = await given(s.ds).user({ role, storeCodes });
    const client = s.client();
    expect((await client.post("/api/v1/auth/login", { username: user.username, password: user.password })).status).toBe(
      200,
    );
    return client;
  };
  const upload = (client: HttpClient, body: string | Uint8Array, query = "name=测试名单&filename=list.csv") =>
    client.request("POST", `/api/v1/audience-lists?${query}`, body, { "content-type": "text/csv" });
  const count = async (table: string) => num((await s.ds.query(`SELECT COUNT(*) AS n FROM ${table}`))[0].n);
  const identity = (customerId: number, kind: CustomerIdentity["kind"], value: string) =>
    s.ds.getRepository(CustomerIdentity).insert({ customerId, kind, value, createdAt: new Date() });

  beforeAll(async () => {
    s = await startTestServer();
    hq = await signIn("hq_operator");
  });
  afterAll(async () => {
    await s.stop();
  });

  it("asks for a session, and only HQ uploads or removes lists", async () => {
    expect((await s.client().get("/api/v1/audience-lists")).status).toBe(401);
    const manager = await signIn("store_manager", [(await given(s.ds).store()).code]);
    expect((await upload(manager, csv("mobile", "13900000000"))).status).toBe(403);
    expect((await manager.get("/api/v1/audience-lists")).status).toBe(200);
  });

  it("matches rows by external_userid, mobile or unionid, reports the unmatched rows and counts duplicates once", async () => {
    const g = given(s.ds);
    const a = await g.customer({ externalUserid: "wmListA" });
    await identity(a.id, "external_userid", "wmListA");
    const b = await g.customer({ mobile: "13900000001" });
    await identity(b.id, "mobile", "13900000001");
    // no identities recorded: found by the customer's own columns
    const c = await g.customer({ unionid: "unListC" });
    const d = await g.customer({ mobile: "13900000002" });
    const e = await g.customer({ externalUserid: "wmListE" });
    // one mobile on two customers names neither
    await g.customer({ mobile: "13900000003" });
    await g.customer({ mobile: "13900000003" });

    const res = await upload(
      hq,
      csv(
        "Mobile,external_userid,unionid",
        "13900000001,,", // 2: b by mobile
        ",wmListA,", // 3: a by external_userid
        ",,unListC", // 4: c by unionid
        "13900000002,,", // 5: d by mobile
        ",wmListA,", // 6: a again
        "13900000001,wmListE,", // 7: two customers
        "12345,,", // 8: not a mobile number
        ",wmNobody,", // 9: no such customer
        ",,", // 10: nothing to match
        "13900000003,,", // 11: two customers hold it
        ",wmListE,", // 12: e
        "13900000001,,unListC,extra", // 13: a field too many
      ),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: "测试名单",
      filename: "list.csv",
      keyColumns: ["mobile", "external_userid", "unionid"],
      rows: 12,
      matched: 5,
      duplicates: 1,
      unmatched: 6,
    });
    const expected = [
      { line: 7, value: "wmListE", reason: "external_userid wmListE and mobile 13900000001 name different customers" },
      { line: 8, value: "12345", reason: "mobile must be an 11-digit mainland number" },
      { line: 9, value: "wmNobody", reason: "no customer has this external_userid" },
      { line: 10, value: "", reason: "no mobile, external_userid, unionid on the row" },
      { line: 11, value: "13900000003", reason: "2 customers have mobile 13900000003" },
      { line: 13, value: "13900000001", reason: "expected 3 fields, found 4" },
    ];
    expect(res.body.unmatchedRows).toEqual(expected);
    const id = res.body.id as number;

    const members: { customer_id: unknown; line: unknown }[] = await s.ds.query(
      "SELECT customer_id, line FROM audience_list_members WHERE list_id = ? ORDER BY customer_id",
      [id],
    );
    expect(members.map((m) => [num(m.customer_id), num(m.line)])).toEqual([
      [a.id, 3],
      [b.id, 2],
      [c.id, 4],
      [d.id, 5],
      [e.id, 12],
    ]);

    const got = await hq.get(`/api/v1/audience-lists/${id}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ id, matched: 5, duplicates: 1, unmatched: 6, unmatchedRows: expected });
    const listed = await hq.get("/api/v1/audience-lists");
    expect(listed.body.items.find((l: { id: number }) => l.id === id)).toMatchObject({ matched: 5, unmatched: 6 });

    const preview = await hq.get(`/api/v1/audience-lists/${id}/preview`);
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBe(5);
    expect(preview.body.sample.map((x: { id: number }) => x.id)).toEqual([a.id, b.id, c.id, d.id, e.id]);
    expect((await hq.get("/api/v1/audience-lists/999999/preview")).status).toBe(404);
  });

  it("refuses a file that is not a list, with a clear message, and stores nothing", async () => {
    const lists = await count("audience_lists");
    const members = await count("audience_list_members");
    const refused = async (body: string | Uint8Array, field: string, message: string) => {
      const res = await upload(hq, body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
      expect(res.body.error.details.fields[0].field).toBe(field);
    };
    await refused(csv("phone", "13900000001"), "header", "unexpected column phone");
    await refused(csv("mobile,name", "13900000001,张三"), "header", "unexpected column name");
    await refused(csv("mobile,MOBILE", "13900000001,13900000001"), "header", "repeated column mobile");
    await refused("", "header", "the file is empty");
    await refused(csv("unionid"), "file", "no rows");
    await refused(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01, 0x02]), "file", "not a CSV text file");
    expect(
      (await hq.request("POST", "/api/v1/audience-lists", { mobile: "13900000001" })).status, // JSON, not a file
    ).toBe(415);
    expect((await upload(hq, csv("mobile", "13900000001"), `name=${"x".repeat(101)}`)).status).toBe(400);
    expect(await count("audience_lists")).toBe(lists);
    expect(await count("audience_list_members")).toBe(members);
  });

  it("launches a campaign from a list: targets exactly the matched customers, with scope and exclusions", async () => {
    const g = given(s.ds);
    const store = await g.store();
    const other = await g.store();
    const guide = await g.staff({ storeIds: [store.id] });
    const outsider = await g.staff({ storeIds: [other.id] });
    const customer = async (staffId: number, p = {}) => {
      const c = await g.customer(p);
      await g.follow(c.id, staffId);
      return c;
    };
    const onList = [await customer(guide.id), await customer(guide.id), await customer(guide.id)];
    const dnd = await customer(guide.id, { doNotDisturb: true });
    const outOfScope = await customer(outsider.id);
    const notOnList = await customer(guide.id);
    const up = await upload(
      hq,
      csv("external_userid", ...[...onList, dnd, outOfScope].map((c) => c.externalUserid!), "wmNotACustomer"),
    );
    expect(up.body).toMatchObject({ matched: 5, unmatched: 1 });
    const listId = up.body.id as number;
    // a store manager previews only the members followed in their stores
    const manager = await signIn("store_manager", [store.code]);
    const scoped = await manager.get(`/api/v1/audience-lists/${listId}/preview`);
    expect(scoped.body.count).toBe(4);
    expect(scoped.body.sample.map((x: { id: number }) => x.id)).not.toContain(outOfScope.id);

    const material = await new MaterialsService(s.ds, systemClock).save(
      { title: "素材", content: { type: "text", text: "您好" } },
      null,
    );
    const now = Date.now();
    const body = (audience: object) => ({
      name: "名单回访",
      audience,
      channel: "private_chat",
      materials: [{ variant: "A", materialId: material.id, share: 100 }],
      scope: { storeIds: [store.id] },
      startAt: new Date(now).toISOString(),
      deadlineAt: new Date(now + 48 * 3600_000).toISOString(),
    });
    const missing = await hq.post("/api/v1/campaigns", body({ listId: 999_999 }));
    expect(missing.status).toBe(400);
    expect(missing.body.error.details.fields).toContainEqual({ field: "audience.listId", reason: "no such list" });

    const created = await hq.post("/api/v1/campaigns", body({ listId }));
    expect(created.status).toBe(201);
    expect(created.body.audience).toEqual({ listId });
    const launched = await hq.post(`/api/v1/campaigns/${created.body.id}/launch`, {});
    expect(launched.status).toBe(200);
    expect(launched.body.report).toMatchObject({
      audience: 5,
      excluded: { do_not_disturb: 1 },
      unassignable: 1,
      targets: 3,
      tasks: 1,
    });
    const targets: { customer_id: unknown; staff_id: unknown }[] = await s.ds.query(
      "SELECT customer_id, staff_id FROM targets WHERE campaign_id = ? ORDER BY customer_id",
      [created.body.id],
    );
    expect(targets.map((t) => num(t.customer_id))).toEqual(onList.map((c) => c.id));
    expect(targets.every((t) => num(t.staff_id) === guide.id)).toBe(true);
    expect(targets.map((t) => num(t.customer_id))).not.toContain(notOnList.id);

    // a list a campaign uses stays; an unused one can be removed
    expect((await hq.request("DELETE", `/api/v1/audience-lists/${listId}`)).status).toBe(409);
    const spare = await upload(hq, csv("external_userid", onList[0]!.externalUserid!));
    expect((await hq.request("DELETE", `/api/v1/audience-lists/${spare.body.id}`)).status).toBe(204);
    expect((await hq.get(`/api/v1/audience-lists/${spare.body.id}`)).status).toBe(404);
  });
});
