import { afterEach, describe, expect, it } from "vitest";
import { given, startSim, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

const tags = given.tagGroup("etgrpLevel", [
  ["etVip", "VIP"],
  ["etNew", "New"],
]);

describe("members and customers", () => {
  it("reads a member and lists only members with 客户联系", async () => {
    h = await startSim(
      given.seed({
        staff: [
          given.staff("zhangsan", { mobile: "13800000000", department: [2] }),
          given.staff("lisi", { customerContact: false }),
        ],
      }),
    );
    expect(await h.get("user/get", { userid: "zhangsan" })).toMatchObject({
      errcode: 0,
      userid: "zhangsan",
      name: "Staff zhangsan",
      mobile: "13800000000",
      department: [2],
      status: 1,
    });
    expect((await h.get("user/get", { userid: "ghost" })).errcode).toBe(60111);
    expect((await h.get("externalcontact/get_follow_user_list")).follow_user).toEqual(["zhangsan"]);
  });

  it("lists a member's customers, 84061 for a member without any, 60111 for an unknown one", async () => {
    h = await startSim(
      given.seed({
        staff: [given.staff("zhangsan"), given.staff("lisi")],
        customers: [given.customer("wmA"), given.customer("wmB")],
        follows: [given.follow("zhangsan", "wmA"), given.follow("zhangsan", "wmB")],
      }),
    );
    expect((await h.get("externalcontact/list", { userid: "zhangsan" })).external_userid).toEqual(["wmA", "wmB"]);
    expect((await h.get("externalcontact/list", { userid: "lisi" })).errcode).toBe(84061);
    expect((await h.get("externalcontact/list", { userid: "ghost" })).errcode).toBe(60111);
  });

  it("gets a customer with every follow user and tags resolved by name", async () => {
    h = await startSim(
      given.seed({
        staff: [given.staff("zhangsan"), given.staff("lisi")],
        customers: [given.customer("wmA", { unionid: "ou-1", gender: 2 })],
        follows: [
          given.follow("zhangsan", "wmA", {
            tag_ids: ["etVip"],
            state: "store-1",
            remark: "Ms A",
            remark_mobiles: ["139"],
          }),
          given.follow("lisi", "wmA"),
        ],
        tagGroups: [tags],
      }),
    );
    const r = await h.get("externalcontact/get", { external_userid: "wmA" });
    expect(r.external_contact).toEqual({
      external_userid: "wmA",
      name: "Customer wmA",
      avatar: "",
      type: 1,
      gender: 2,
      unionid: "ou-1",
    });
    expect(r.follow_user[0]).toMatchObject({
      userid: "zhangsan",
      remark: "Ms A",
      state: "store-1",
      remark_mobiles: ["139"],
      oper_userid: "zhangsan",
      add_way: 1,
      tags: [{ group_name: "Group etgrpLevel", tag_name: "VIP", type: 1, tag_id: "etVip" }],
    });
    expect(r.follow_user[1].userid).toBe("lisi");
    expect(r.next_cursor).toBe("");
  });

  it("answers 41035, 40096 and, once the last follow is gone, 84061", async () => {
    h = await startSim(
      given.seed({
        staff: [given.staff("zhangsan")],
        customers: [given.customer("wmA")],
        follows: [given.follow("zhangsan", "wmA")],
      }),
    );
    expect((await h.get("externalcontact/get")).errcode).toBe(41035);
    expect((await h.get("externalcontact/get", { external_userid: "wmNope" })).errcode).toBe(40096);
    await h.sim.deleteFollowByStaff("zhangsan", "wmA");
    expect((await h.get("externalcontact/get", { external_userid: "wmA" })).errcode).toBe(84061);
  });

  it("pages follow_user by 500", async () => {
    const staff = Array.from({ length: 501 }, (_, i) => given.staff(`s${String(i).padStart(3, "0")}`));
    h = await startSim(
      given.seed({
        staff,
        customers: [given.customer("wmA")],
        follows: staff.map((s) => given.follow(s.userid, "wmA")),
      }),
    );
    const first = await h.get("externalcontact/get", { external_userid: "wmA" });
    expect(first.follow_user).toHaveLength(500);
    expect(first.next_cursor).not.toBe("");
    const second = await h.get("externalcontact/get", { external_userid: "wmA", cursor: first.next_cursor });
    expect(second.follow_user.map((f: { userid: string }) => f.userid)).toEqual(["s500"]);
    expect(second.next_cursor).toBe("");
  });
});

describe("batch/get_by_user", () => {
  // zhangsan has 130 customers, lisi 20 (10 of them shared), wangwu is unlicensed
  const customers = Array.from({ length: 140 }, (_, i) => given.customer(`wm${String(i).padStart(3, "0")}`));
  const seed = () =>
    given.seed({
      staff: [given.staff("zhangsan"), given.staff("lisi"), given.staff("wangwu", { licensed: false })],
      customers,
      follows: [
        ...customers.slice(0, 130).map((c) => given.follow("zhangsan", c.external_userid, { tag_ids: ["etVip"] })),
        ...customers
          .slice(120, 140)
          .reverse()
          .map((c) => given.follow("lisi", c.external_userid)),
        given.follow("wangwu", "wm000"),
      ],
      tagGroups: [tags],
    });

  it("pages one entry per (customer, member) in userid_list order, then external_userid", async () => {
    h = await startSim(seed());
    const seen: [string, string][] = [];
    let cursor = "";
    let pages = 0;
    do {
      const r = await h.post("externalcontact/batch/get_by_user", {
        userid_list: ["lisi", "zhangsan"],
        cursor,
        limit: 100,
      });
      expect(r.errcode).toBe(0);
      for (const e of r.external_contact_list) seen.push([e.follow_info.userid, e.external_contact.external_userid]);
      cursor = r.next_cursor;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(2);
    expect(seen).toHaveLength(150);
    expect(seen.slice(0, 20).every(([u]) => u === "lisi")).toBe(true);
    expect(seen[0]).toEqual(["lisi", "wm120"]);
    expect(seen[20]).toEqual(["zhangsan", "wm000"]);
    expect(seen.at(-1)).toEqual(["zhangsan", "wm129"]);
  });

  it("returns follow_info with tag_id, defaults limit to 50 and caps it at 100", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/batch/get_by_user", { userid_list: ["zhangsan"] });
    expect(r.external_contact_list).toHaveLength(50);
    expect(r.external_contact_list[0].follow_info).toMatchObject({ userid: "zhangsan", tag_id: ["etVip"], add_way: 1 });
    expect(r.fail_info).toBeUndefined();
    const big = await h.post("externalcontact/batch/get_by_user", { userid_list: ["zhangsan"], limit: 1000 });
    expect(big.external_contact_list).toHaveLength(100);
  });

  it("lists unlicensed members in fail_info and fails with 701008 when all are unlicensed", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/batch/get_by_user", { userid_list: ["lisi", "wangwu"], limit: 100 });
    expect(r.fail_info).toEqual({ unlicensed_userid_list: ["wangwu"] });
    expect(r.external_contact_list).toHaveLength(20);
    expect((await h.post("externalcontact/batch/get_by_user", { userid_list: ["wangwu"] })).errcode).toBe(701008);
  });

  it("refuses an empty or oversized userid_list and a forged cursor", async () => {
    h = await startSim(seed());
    expect((await h.post("externalcontact/batch/get_by_user", { userid_list: [] })).errcode).toBe(40058);
    const tooMany = Array.from({ length: 101 }, (_, i) => `u${i}`);
    expect((await h.post("externalcontact/batch/get_by_user", { userid_list: tooMany })).errcode).toBe(40058);
    const forged = await h.post("externalcontact/batch/get_by_user", { userid_list: ["lisi"], cursor: "abc" });
    expect(forged.errcode).toBe(40058);
  });
});
