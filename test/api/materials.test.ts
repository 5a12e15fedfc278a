import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { given } from "../support/given.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";

const PNG = Buffer.from("89504e470d0a1a0a0000000d4948445200000001000000010806000000", "hex");

describe(`materials over HTTP (${testDialect()})`, () => {
  let s: TestServer;
  let ids: { customer: number; staff: number };
  beforeAll(async () => {
    s = await startTestServer();
    const g = given(s.ds);
    const store = await g.store({ name: "静安店" });
    const staff = await g.staff({ name: "李娜", storeIds: [store.id] });
    // a name and a remark that try to break out of the message
    const customer = await g.customer({ name: "{{staff.name}}<a href=x>\n第二行", gender: 2 });
    await g.follow(customer.id, staff.id, { remark: "王姐\r\n\u0000VIP" });
    ids = { customer: customer.id, staff: staff.id };
    await g.user({ username: "ops.user", role: "hq_operator" });
    await g.user({ username: "mgr.x", role: "store_manager", storeCodes: [store.code] });
  });
  afterAll(() => s.stop());

  const as = async (username: string) => {
    const http = s.client();
    await http.post("/api/v1/auth/login", { username, password: "correct-horse-9" });
    return http;
  };

  it("saves materials of every type in folders, and searches them", async () => {
    const http = await as("ops.user");
    const folder = (await http.post("/api/v1/materials/folders", { name: "双11" })).body;
    const bodies = [
      {
        title: "问候",
        folderId: folder.id,
        content: {
          type: "text",
          text: "{{customer.remark}}{{customer.title}}您好，我是{{store.name}}的{{staff.name}}",
        },
      },
      { title: "新品图", content: { type: "image", image: "https://cdn.example.com/a.png" } },
      {
        title: "活动页",
        keywords: "双11 预售",
        content: {
          type: "link",
          title: "{{customer.name}}的专属券",
          url: "https://shop.example.com/1111",
          desc: "满300减50",
        },
      },
      {
        title: "小程序",
        content: {
          type: "miniprogram",
          title: "去下单",
          appid: "wx0123456789abcdef",
          page: "pages/index.html",
          picUrl: "https://cdn.example.com/c.png",
        },
      },
    ];
    for (const b of bodies) expect((await http.post("/api/v1/materials", b)).status, b.title).toBe(201);
    const found = await http.get("/api/v1/materials?q=双11");
    expect(found.body.items.map((m: { title: string }) => m.title).sort()).toEqual(["活动页"]);
    expect((await http.get(`/api/v1/materials?folderId=${folder.id}`)).body.total).toBe(1);
    expect((await http.get("/api/v1/materials?type=image")).body.items[0].title).toBe("新品图");
    expect((await http.get("/api/v1/materials/variables")).body.items.map((v: { token: string }) => v.token)).toContain(
      "{{customer.remark}}",
    );
  });

  it("refuses an unknown variable and bad content, naming the field", async () => {
    const http = await as("ops.user");
    const unknown = await http.post("/api/v1/materials", {
      title: "x",
      content: { type: "text", text: "hi {{customer.password}}" },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details.fields[0]).toMatchObject({
      field: "content.text",
      reason: expect.stringContaining("{{customer.password}}"),
    });
    const badUrl = await http.post("/api/v1/materials", {
      title: "x",
      content: { type: "link", title: "t", url: "javascript:alert(1)" },
    });
    expect(badUrl.body.error.details.fields[0].field).toBe("content.url");
    const long = await http.post("/api/v1/materials", {
      title: "x",
      content: { type: "text", text: "字".repeat(1400) },
    });
    expect(long.body.error.details.fields[0]).toMatchObject({ field: "content.text", reason: "at most 4000 bytes" });
    expect(
      (await (await as("mgr.x")).post("/api/v1/materials", { title: "x", content: { type: "text", text: "a" } }))
        .status,
    ).toBe(403);
  });

  it("renders variables as plain text: a name or remark cannot inject structure or other variables", async () => {
    const text = (await s.ds.query("SELECT id FROM materials WHERE title = '问候'"))[0].id;
    const link = (await s.ds.query("SELECT id FROM materials WHERE title = '活动页'"))[0].id;
    const out = await s.app.services.materials.render(Number(text), ids.customer, ids.staff);
    expect(out).toEqual({ type: "text", text: "王姐 VIP女士您好，我是静安店的李娜" });
    const card = await s.app.services.materials.render(Number(link), ids.customer, ids.staff);
    expect(card).toMatchObject({
      type: "link",
      title: "{{staff.name}}<a href=x> 第二行的专属券",
      url: "https://shop.example.com/1111",
    });
  });

  it("previews unsaved content for a sample customer (the editor's chat bubble), refusing unknown variables", async () => {
    const http = await as("mgr.x"); // any admin role may preview
    const content = { type: "text", text: "{{customer.remark}}{{customer.title}}，{{staff.name}}在{{store.name}}等您" };
    const sample = await http.post("/api/v1/materials/preview", { content });
    expect(sample.status).toBe(200);
    expect(sample.body).toEqual({
      content: { type: "text", text: "王姐 VIP女士，李娜在静安店等您" },
      customer: { id: ids.customer, name: "{{staff.name}}<a href=x>\n第二行" },
    });
    const named = await http.post("/api/v1/materials/preview", { content, customerId: ids.customer });
    expect(named.body.content.text).toBe("王姐 VIP女士，李娜在静安店等您");
    const bad = await http.post("/api/v1/materials/preview", { content: { type: "text", text: "{{customer.nick}}" } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.fields[0]).toMatchObject({ field: "content.text" });
    // a store manager's sample stays inside their stores: a customer followed elsewhere is not used
    const g = given(s.ds);
    const other = await g.staff({ name: "王强", storeIds: [(await g.store({ name: "滨江店" })).id] });
    const elsewhere = await g.customer({ name: "外店客户" });
    await g.follow(elsewhere.id, other.id);
    const outside = await http.post("/api/v1/materials/preview", { content, customerId: elsewhere.id });
    expect(outside.body.customer).toBeNull();
    expect(outside.body.content.text).toBe("，在等您");
    const hq = await as("ops.user");
    expect((await hq.post("/api/v1/materials/preview", { content, customerId: elsewhere.id })).body.content.text).toBe(
      "外店客户，王强在滨江店等您",
    );
    expect((await s.client().post("/api/v1/materials/preview", { content })).status).toBe(401);
  });

  it("stores uploads by content, refuses wrong types, disguised files and oversized ones", async () => {
    const http = await as("ops.user");
    const up = await http.request("POST", "/api/v1/materials/uploads", PNG, { "content-type": "image/png" });
    expect(up.status).toBe(201);
    expect(up.body.path).toMatch(/^\/uploads\/[a-f0-9]{64}\.png$/);
    const res = await fetch(s.url + up.body.path);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
    expect(
      (await http.request("POST", "/api/v1/materials/uploads", "%PDF-1.4 x", { "content-type": "image/png" })).status,
    ).toBe(400);
    expect(
      (await http.request("POST", "/api/v1/materials/uploads", "#!/bin/sh", { "content-type": "application/x-sh" }))
        .status,
    ).toBe(400);
    const big = await fetch(s.url + "/api/v1/materials/uploads", {
      method: "POST",
      headers: { "content-type": "image/png", cookie: "" },
      body: Buffer.alloc(3 * 1024 * 1024),
    });
    expect(big.status).toBe(401); // no session: refused before reading
    expect((await fetch(s.url + "/uploads/..%2F..%2Fetc%2Fpasswd")).status).toBe(404);
    expect((await fetch(s.url + "/uploads/" + "0".repeat(64) + ".png")).status).toBe(404);
  });
});
