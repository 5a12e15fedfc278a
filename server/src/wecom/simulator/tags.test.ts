import { afterEach, describe, expect, it } from "vitest";
import { given, startSim, T0_S, type SimHarness } from "./sim-test-kit.ts";

let h: SimHarness;
afterEach(() => h?.close());

// A group made by the admin in the console (not by our app).
const adminGroup = given.tagGroup("etgrpAdmin", [["etAdminTag", "Admin tag"]], { group_name: "Level", order: 5 });
const seed = () =>
  given.seed({
    staff: [given.staff("zhangsan")],
    customers: [given.customer("wmA")],
    follows: [given.follow("zhangsan", "wmA", { tag_ids: ["etAdminTag"] })],
    tagGroups: [adminGroup],
  });

describe("corp tags", () => {
  it("creates a new group marked as the app's, with et… ids", async () => {
    h = await startSim(seed());
    const r = await h.post("externalcontact/add_corp_tag", {
      group_name: "RFM",
      order: 2,
      tag: [{ name: "Champions", order: 9 }, { name: "At risk" }, { name: "At risk" }],
    });
    expect(r.errcode).toBe(0);
    expect(r.tag_group).toMatchObject({ group_name: "RFM", order: 2, create_time: T0_S });
    expect(r.tag_group.group_id).toMatch(/^et/);
    expect(r.tag_group.tag.map((t: { name: string }) => t.name)).toEqual(["Champions", "At risk"]); // duplicates make one
    expect(r.tag_group.tag.every((t: { id: string }) => /^et/.test(t.id))).toBe(true);
    expect(h.sim.state.tagGroups.get(r.tag_group.group_id)?.created_by_app).toBe(true);

    const all = await h.post("externalcontact/get_corp_tag_list", {});
    expect(all.tag_group.map((g: { group_name: string }) => g.group_name)).toEqual(["Level", "RFM"]); // larger order first
    expect(all.tag_group[0]).not.toHaveProperty("deleted");
  });

  it("adds into the existing group of the same name, or the one named by group_id", async () => {
    h = await startSim(seed());
    const byName = await h.post("externalcontact/add_corp_tag", { group_name: "Level", tag: [{ name: "Gold" }] });
    expect(byName.tag_group.group_id).toBe("etgrpAdmin");
    const byId = await h.post("externalcontact/add_corp_tag", {
      group_id: "etgrpAdmin",
      group_name: "ignored",
      tag: [{ name: "Silver" }],
    });
    expect(byId.tag_group).toMatchObject({ group_id: "etgrpAdmin", group_name: "Level" });
    expect(h.sim.state.tagGroups.get("etgrpAdmin")?.tags.map((t) => t.name)).toEqual(["Admin tag", "Gold", "Silver"]);
    expect((await h.post("externalcontact/add_corp_tag", { group_id: "etNope", tag: [{ name: "x" }] })).errcode).toBe(
      40068,
    );
    expect(
      (await h.post("externalcontact/add_corp_tag", { group_id: "etgrpAdmin", tag: [{ name: "Gold" }] })).errcode,
    ).toBe(40071);
  });

  it("refuses long names, empty tag lists and the 3000-tag cap", async () => {
    h = await startSim(seed());
    const long = "x".repeat(31);
    expect((await h.post("externalcontact/add_corp_tag", { group_name: "G", tag: [{ name: long }] })).errcode).toBe(
      40058,
    );
    expect((await h.post("externalcontact/add_corp_tag", { group_name: long, tag: [{ name: "t" }] })).errcode).toBe(
      40058,
    );
    expect((await h.post("externalcontact/add_corp_tag", { group_name: "G", tag: [] })).errcode).toBe(40058);
    expect((await h.post("externalcontact/add_corp_tag", { tag: [{ name: "t" }] })).errcode).toBe(40058);
    // 30 Chinese characters are fine
    expect(
      (await h.post("externalcontact/add_corp_tag", { group_name: "G", tag: [{ name: "标".repeat(30) }] })).errcode,
    ).toBe(0);

    // 1 seeded + 1 above + 2998 = the cap of 3000
    const many = Array.from({ length: 2998 }, (_, i) => ({ name: `t${i}` }));
    expect((await h.post("externalcontact/add_corp_tag", { group_name: "Bulk", tag: many })).errcode).toBe(0);
    expect(
      (await h.post("externalcontact/add_corp_tag", { group_name: "Bulk", tag: [{ name: "one more" }] })).errcode,
    ).toBe(40126);
  });

  it("edits only what the app created", async () => {
    h = await startSim(seed());
    const made = (
      await h.post("externalcontact/add_corp_tag", { group_name: "Mine", tag: [{ name: "a" }, { name: "b" }] })
    ).tag_group;
    const tagA = made.tag[0].id;
    expect((await h.post("externalcontact/edit_corp_tag", { id: tagA, name: "A", order: 3 })).errcode).toBe(0);
    expect((await h.post("externalcontact/edit_corp_tag", { id: made.group_id, name: "Mine!" })).errcode).toBe(0);
    expect(h.sim.state.tagGroups.get(made.group_id)).toMatchObject({ group_name: "Mine!" });
    expect(h.sim.state.tagGroups.get(made.group_id)?.tags[0]).toMatchObject({ name: "A", order: 3 });

    expect((await h.post("externalcontact/edit_corp_tag", { id: tagA, name: "b" })).errcode).toBe(40071);
    expect((await h.post("externalcontact/edit_corp_tag", { id: made.group_id, name: "Level" })).errcode).toBe(40071);
    expect((await h.post("externalcontact/edit_corp_tag", { id: "etAdminTag", name: "hack" })).errcode).toBe(48002);
    expect((await h.post("externalcontact/edit_corp_tag", { id: "etgrpAdmin", name: "hack" })).errcode).toBe(48002);
    expect((await h.post("externalcontact/edit_corp_tag", { id: "etNope", name: "x" })).errcode).toBe(40068);
    expect((await h.post("externalcontact/edit_corp_tag", {})).errcode).toBe(40058);
  });

  it("deletes only the app's tags, drops an emptied group and answers deleted ids when filtered", async () => {
    h = await startSim(seed());
    const made = (
      await h.post("externalcontact/add_corp_tag", { group_name: "Mine", tag: [{ name: "a" }, { name: "b" }] })
    ).tag_group;
    const [a, b] = made.tag.map((t: { id: string }) => t.id);
    expect(
      (await h.post("externalcontact/mark_tag", { userid: "zhangsan", external_userid: "wmA", add_tag: [a] })).errcode,
    ).toBe(0);

    expect((await h.post("externalcontact/del_corp_tag", {})).errcode).toBe(40058);
    expect((await h.post("externalcontact/del_corp_tag", { tag_id: [a, "etAdminTag"] })).errcode).toBe(48002);
    expect(h.sim.state.tagGroups.get(made.group_id)?.tags).toHaveLength(2); // nothing deleted on refusal
    expect((await h.post("externalcontact/del_corp_tag", { group_id: ["etgrpAdmin"] })).errcode).toBe(48002);
    expect((await h.post("externalcontact/del_corp_tag", { tag_id: ["etNope"] })).errcode).toBe(40068);

    expect((await h.post("externalcontact/del_corp_tag", { tag_id: [a] })).errcode).toBe(0);
    expect(h.sim.state.follows.get("zhangsan|wmA")?.tag_ids).toEqual(["etAdminTag"]);
    expect((await h.post("externalcontact/del_corp_tag", { tag_id: [b] })).errcode).toBe(0);
    expect(h.sim.state.tagGroups.has(made.group_id)).toBe(false);

    const byTag = await h.post("externalcontact/get_corp_tag_list", { tag_id: [a, "etAdminTag"] });
    expect(byTag.tag_group).toEqual([
      expect.objectContaining({
        group_id: made.group_id,
        deleted: true,
        tag: [expect.objectContaining({ id: a, deleted: true })],
      }),
      expect.objectContaining({
        group_id: "etgrpAdmin",
        deleted: false,
        tag: [expect.objectContaining({ id: "etAdminTag", deleted: false })],
      }),
    ]);
    const byGroup = await h.post("externalcontact/get_corp_tag_list", {
      group_id: [made.group_id],
      tag_id: ["etAdminTag"],
    });
    expect(byGroup.tag_group).toHaveLength(1); // group_id wins over tag_id
    expect(byGroup.tag_group[0]).toMatchObject({ deleted: true });
    expect(byGroup.tag_group[0].tag.map((t: { id: string }) => t.id).sort()).toEqual([a, b].sort());
  });

  it("marks tags per relation with the documented refusals", async () => {
    h = await startSim(seed());
    const made = (await h.post("externalcontact/add_corp_tag", { group_name: "Mine", tag: [{ name: "a" }] })).tag_group;
    const a = made.tag[0].id;
    const mark = (body: object) =>
      h.post("externalcontact/mark_tag", { userid: "zhangsan", external_userid: "wmA", ...body });
    expect((await mark({ add_tag: [a], remove_tag: ["etAdminTag"] })).errcode).toBe(0);
    expect(h.sim.state.follows.get("zhangsan|wmA")?.tag_ids).toEqual([a]);
    expect((await mark({ add_tag: [a] })).errcode).toBe(0); // idempotent
    expect(h.sim.state.follows.get("zhangsan|wmA")?.tag_ids).toEqual([a]);
    expect((await mark({ add_tag: [], remove_tag: [] })).errcode).toBe(40058);
    expect((await mark({ add_tag: ["etNope"] })).errcode).toBe(40068);
    expect(
      (await h.post("externalcontact/mark_tag", { userid: "zhangsan", external_userid: "wmB", add_tag: [a] })).errcode,
    ).toBe(84061);
    expect((await h.post("externalcontact/mark_tag", { external_userid: "wmA", add_tag: [a] })).errcode).toBe(40058);
  });
});
