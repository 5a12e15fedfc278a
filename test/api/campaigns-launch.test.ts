import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { DataSource } from "typeorm";
import { migrate, openDatabase } from "../../server/src/db/database.ts";
import { execute, num } from "../../server/src/db/dialect.ts";
import { Campaign, Target } from "../../server/src/modules/campaigns/campaign.entity.ts";
import { FREQUENCY_CAP_SETTING } from "../../server/src/modules/campaigns/campaign-launch.ts";
import { inHoldout, shanghaiDay, variantOf } from "../../server/src/modules/campaigns/campaign-sql.ts";
import { StaffStore } from "../../server/src/modules/staff/staff.entity.ts";
import { Tag, TagGroup } from "../../server/src/modules/tags/tag.entity.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { testDialect } from "../support/test-db.ts";
import { campaignKit, tagCustomers, type CampaignKit } from "./campaigns-kit.ts";

const uniq = () => Math.random().toString(36).slice(2, 8);

describe(`campaign launch (${testDialect()})`, () => {
  let s: TestServer;
  let k: CampaignKit;
  let dndTag: Tag;

  beforeAll(async () => {
    s = await startTestServer();
    k = await campaignKit(s.ds);
    const at = k.clock.now();
    const group = await s.ds.getRepository(TagGroup).save({
      code: "manual:care",
      name: "关怀",
      source: "manual",
      sort: 0,
      wecomGroupId: null,
      createdAt: at,
      updatedAt: at,
    });
    dndTag = await s.ds.getRepository(Tag).save({
      groupId: group.id,
      code: "do_not_disturb",
      name: "免打扰",
      source: "manual",
      isSystem: false,
      mirrorToWecom: false,
      wecomTagId: null,
      sort: 0,
      deletedAt: null,
      createdAt: at,
      updatedAt: at,
    });
  });
  afterAll(async () => {
    await s.stop();
  });
  afterEach(async () => {
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 1, days: 3 });
  });

  /** a target of another campaign, for the frequency cap */
  // Each past target gets its own fictitious campaign: (campaign, customer) is unique.
  let pastCampaignId = 900_000;
  const pastTarget = (customerId: number, p: Partial<Target>) =>
    s.ds.getRepository(Target).insert({
      campaignId: ++pastCampaignId,
      taskId: null,
      staffId: null,
      customerId,
      groupId: null,
      status: "sent",
      isControl: false,
      variant: null,
      reason: null,
      sentAt: null,
      convertedAt: null,
      conversionOrderId: null,
      revenueCents: 0,
      createdAt: k.clock.now(),
      updatedAt: k.clock.now(),
      ...p,
    });

  it("freezes the audience, counts each exclusion by reason and makes one task per staff member", async () => {
    const { g } = k;
    const store = await g.store();
    const other = await g.store();
    const guide = await g.staff({ storeIds: [store.id], name: "李娜" });
    const left = await g.staff({ storeIds: [store.id], status: "left" });
    const outside = await g.staff({ storeIds: [other.id] });
    const days = (d: number) => new Date(k.clock.now().getTime() - d * 86_400_000);

    const c = async (follows: [number, "active" | "deleted_by_customer"][], p = {}) => {
      const customer = await g.customer(p);
      for (const [staffId, status] of follows) await g.follow(customer.id, staffId, { status });
      return customer.id;
    };
    const ok = await c([[guide.id, "active"]]);
    const deleted = await c([[guide.id, "deleted_by_customer"]]);
    const dndFlag = await c([[guide.id, "active"]], { doNotDisturb: true });
    const dndTagged = await c([[guide.id, "active"]]);
    await tagCustomers(s.ds, dndTag.id, [dndTagged]);
    const capped = await c([[guide.id, "active"]]);
    await pastTarget(capped, { createdAt: days(1) });
    const cappedBySend = await c([[guide.id, "active"]]);
    await pastTarget(cappedBySend, { createdAt: days(10), sentAt: days(2) });
    const onlyOutside = await c([[outside.id, "active"]]);
    const onlyLeft = await c([[left.id, "active"]]);
    const oldTarget = await c([[guide.id, "active"]]);
    await pastTarget(oldTarget, { createdAt: days(5), sentAt: days(5) });
    const skippedBefore = await c([[guide.id, "active"]]);
    await pastTarget(skippedBefore, { createdAt: days(1), status: "skipped" });
    const audience = [
      ok,
      deleted,
      dndFlag,
      dndTagged,
      capped,
      cappedBySend,
      onlyOutside,
      onlyLeft,
      oldTarget,
      skippedBefore,
    ];

    const rule = await k.audience(audience);
    const draft = await k.draft({ audience: { rule }, scope: { storeIds: [store.id] } });
    const { report } = await k.launch.launch(draft.id, k.hq);

    expect(report).toMatchObject({
      audience: 10,
      excluded: { deleted_all_staff: 1, do_not_disturb: 2, frequency_cap: 2, mass_send_same_day: 0 },
      unassignable: 2,
      control: 0,
      targets: 3,
      tasks: 1,
      variants: { A: 3 },
      notifications: { sent: 1, failed: [] },
    });
    const targets = await k.targets(draft.id);
    expect(targets.map((t) => t.customerId).sort((a, b) => a! - b!)).toEqual([ok, oldTarget, skippedBefore]);
    expect(targets.every((t) => t.status === "pending" && t.staffId === guide.id && t.taskId)).toBe(true);
    const [task] = await k.tasks(draft.id);
    expect(task).toMatchObject({ staffId: guide.id, status: "open", total: 3, pending: 3 });
    const reasons: { customer_id: unknown; reason: string | null }[] = await s.ds.query(
      "SELECT customer_id, reason FROM campaign_audience WHERE campaign_id = ?",
      [draft.id],
    );
    expect(Object.fromEntries(reasons.map((r) => [num(r.customer_id), r.reason]))).toEqual({
      [ok]: null,
      [deleted]: "deleted_all_staff",
      [dndFlag]: "do_not_disturb",
      [dndTagged]: "do_not_disturb",
      [capped]: "frequency_cap",
      [cappedBySend]: "frequency_cap",
      [onlyOutside]: "unassignable",
      [onlyLeft]: "unassignable",
      [oldTarget]: null,
      [skippedBefore]: null,
    });

    // the audience is a snapshot: a customer tagged after launch does not join
    const late = await c([[guide.id, "active"]]);
    const tagId = (rule.all[0] as { tagIds: number[] }).tagIds[0]!;
    await tagCustomers(s.ds, tagId, [late]);
    expect((await k.targets(draft.id)).length).toBe(3);

    // the guide was told, with a link to the task page
    const card = k.sent.find((m) => m.key === `task:${task!.id}:assigned`)!;
    expect(card).toMatchObject({ kind: "task_assigned", touser: [guide.userid] });
    expect(card.card.url).toBe(`https://siyu.test/sidebar/tasks/${task!.id}`);
    expect(card.card.description).toContain("3 位客户待联系");
  });

  it("assigns each customer to one in-scope follower by the campaign's rule, ties by userid", async () => {
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 1 });
    const { g } = k;
    const suffix = uniq();
    const a = await g.staff({ userid: `a-${suffix}` });
    const b = await g.staff({ userid: `b-${suffix}` });
    const t = (h: number) => new Date(k.clock.now().getTime() - h * 3600_000);
    const customer = async (fa: object, fb: object) => {
      const c = await g.customer();
      await g.follow(c.id, a.id, fa);
      await g.follow(c.id, b.id, fb);
      return c.id;
    };
    const later = await customer({ addedAt: t(10) }, { addedAt: t(5) });
    const tie = await customer({ addedAt: t(10) }, { addedAt: t(10) });
    const contacted = await customer({ addedAt: t(10) }, { addedAt: t(5), lastContactedAt: t(1) });
    const neverContacted = await customer({ addedAt: t(5) }, { addedAt: t(10) });
    const sameContact = await customer(
      { addedAt: t(5), lastContactedAt: t(2) },
      { addedAt: t(10), lastContactedAt: t(2) },
    );
    const rule = await k.audience([later, tie, contacted, neverContacted, sameContact]);
    const owners = async (assignmentRule: string) => {
      const draft = await k.draft({ audience: { rule }, assignmentRule, scope: { staffIds: [a.id, b.id] } });
      await k.launch.launch(draft.id, k.hq);
      const rows = await k.targets(draft.id);
      const name = (id: number | null) => (id === a.id ? "a" : id === b.id ? "b" : "?");
      return Object.fromEntries(rows.map((r) => [r.customerId, name(r.staffId)]));
    };
    expect(await owners("first_added")).toEqual({
      [later]: "a",
      [tie]: "a",
      [contacted]: "a",
      [neverContacted]: "b",
      [sameContact]: "b",
    });
    expect(await owners("last_added")).toEqual({
      [later]: "b",
      [tie]: "a",
      [contacted]: "b",
      [neverContacted]: "a",
      [sameContact]: "a",
    });
    expect(await owners("last_contacted")).toEqual({
      [later]: "a", // neither contacted: first_added
      [tie]: "a", // neither contacted, same add time: userid
      [contacted]: "b",
      [neverContacted]: "b",
      [sameContact]: "b", // same contact time: first_added
    });
  });

  it("gives an audience frozen before the launch (automations) the same exclusions and owners", async () => {
    // a cap of 2: the first launch's own targets do not cap the second one's customers
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 2, days: 3 });
    const { g } = k;
    const suffix = uniq();
    const store = await g.store();
    const a = await g.staff({ storeIds: [store.id], userid: `a-${suffix}` });
    const b = await g.staff({ storeIds: [store.id], userid: `b-${suffix}` });
    const outside = await g.staff({ storeIds: [(await g.store()).id] });
    const t = (h: number) => new Date(k.clock.now().getTime() - h * 3600_000);
    const c = async (follows: [number, object][], p = {}) => {
      const customer = await g.customer(p);
      for (const [staffId, f] of follows) await g.follow(customer.id, staffId, f);
      return customer.id;
    };
    const both = await c([
      [a.id, { addedAt: t(10) }],
      [b.id, { addedAt: t(5) }],
    ]);
    const onlyA = await c([[a.id, { addedAt: t(3) }]]);
    const deleted = await c([[a.id, { status: "deleted_by_customer" }]]);
    const dnd = await c([[b.id, {}]], { doNotDisturb: true });
    const capped = await c([[a.id, {}]]);
    await pastTarget(capped, { createdAt: t(1) });
    await pastTarget(capped, { createdAt: t(2) });
    const onlyOutside = await c([[outside.id, {}]]);
    const ids = [both, onlyA, deleted, dnd, capped, onlyOutside];
    const expected = {
      [both]: [null, b.id],
      [onlyA]: [null, a.id],
      [deleted]: ["deleted_all_staff", null],
      [dnd]: ["do_not_disturb", b.id],
      [capped]: ["frequency_cap", a.id],
      [onlyOutside]: ["unassignable", null],
    };

    const launched = async (frozen: boolean) => {
      const draft = await k.draft({
        // frozen: a rule nobody matches, the rows written beforehand as automations do
        audience: { rule: await k.audience(frozen ? [] : ids) },
        assignmentRule: "last_added",
        scope: { storeIds: [store.id] },
      });
      if (frozen)
        for (const id of ids)
          await execute(
            s.ds,
            "INSERT INTO campaign_audience (campaign_id, customer_id, reason, created_at) VALUES (?, ?, NULL, ?)",
            [draft.id, id, "2026-01-01 00:00:00.000"],
          );
      const { report } = await k.launch.launch(draft.id, k.hq);
      const rows: { customer_id: unknown; reason: string | null; staff_id: unknown }[] = await s.ds.query(
        "SELECT customer_id, reason, staff_id FROM campaign_audience WHERE campaign_id = ?",
        [draft.id],
      );
      const owners = Object.fromEntries((await k.targets(draft.id)).map((r) => [r.customerId, r.staffId]));
      return {
        report,
        owners,
        audience: Object.fromEntries(
          rows.map((r) => [num(r.customer_id), [r.reason, r.staff_id === null ? null : num(r.staff_id)]]),
        ),
      };
    };
    const normal = await launched(false);
    const frozen = await launched(true);
    for (const run of [normal, frozen]) {
      expect(run.audience).toEqual(expected);
      expect(run.owners).toEqual({ [both]: b.id, [onlyA]: a.id });
      expect(run.report).toMatchObject({
        audience: 6,
        excluded: { deleted_all_staff: 1, do_not_disturb: 1, frequency_cap: 1, mass_send_same_day: 0 },
        unassignable: 1,
        targets: 2,
        tasks: 2,
      });
    }
  });

  it("applies the configured frequency cap across campaigns", async () => {
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 2, days: 7 });
    const guide = await k.g.staff();
    const [once, twice] = await k.customers(2, guide.id);
    const days = (d: number) => new Date(k.clock.now().getTime() - d * 86_400_000);
    await pastTarget(once!, { createdAt: days(6) });
    await pastTarget(twice!, { createdAt: days(6) });
    await pastTarget(twice!, { createdAt: days(20), sentAt: days(1) });
    const draft = await k.draft({ audience: { rule: await k.audience([once!, twice!]) } });
    const { report } = await k.launch.launch(draft.id, k.hq);
    expect(report.excluded.frequency_cap).toBe(1);
    expect((await k.targets(draft.id)).map((t) => t.customerId)).toEqual([once]);
  });

  it("never plans two mass sends for one customer on one natural day in Shanghai", async () => {
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 30 });
    const guide = await k.g.staff();
    const [today, yesterday, fresh] = await k.customers(3, guide.id);
    const at = k.clock.now();
    const other = await k.draft({ audience: { rule: { all: [] } } });
    await execute(s.ds, "UPDATE campaigns SET channel = 'mass_send', status = 'running' WHERE id = ?", [other.id]);
    const day = shanghaiDay(at);
    await pastTarget(today!, { campaignId: other.id, createdAt: day.from });
    await pastTarget(yesterday!, { campaignId: other.id, createdAt: new Date(day.from.getTime() - 1) });
    const material = await k.material({ type: "text", text: "{{staff.name}}：本周会员日" });
    const draft = await k.draft({
      audience: { rule: await k.audience([today!, yesterday!, fresh!]) },
      channel: "mass_send",
      materials: [{ variant: "A", materialId: material, share: 100 }],
    });
    const { report } = await k.launch.launch(draft.id, k.hq);
    expect(report.excluded.mass_send_same_day).toBe(1);
    expect((await k.targets(draft.id)).map((t) => t.customerId)).toEqual([yesterday, fresh]);
    // the kit's WeCom client cannot create mass sends: recorded, and the launch still stands
    expect(report.massSends?.failed.length).toBe(1);
    expect((await s.ds.getRepository(Campaign).findOneByOrFail({ id: draft.id })).status).toBe("running");
  });

  it("draws a deterministic holdout and A/B variants from the seed", async () => {
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 1 });
    const guide = await k.g.staff();
    const ids = await k.customers(1000, guide.id);
    const rule = await k.audience(ids);
    const materials = [
      { variant: "A", materialId: await k.material(), share: 70 },
      { variant: "B", materialId: await k.material(), share: 30 },
    ];
    const launchWithSeed = async (seed: number) => {
      const draft = await k.draft({ audience: { rule }, holdoutPercent: 10, materials });
      await s.ds.getRepository(Campaign).update({ id: draft.id }, { seed });
      const { report } = await k.launch.launch(draft.id, k.hq);
      const rows = await k.targets(draft.id);
      return { report, rows, control: rows.filter((r) => r.isControl).map((r) => r.customerId!) };
    };
    const first = await launchWithSeed(12345);
    const again = await launchWithSeed(12345);
    const other = await launchWithSeed(777);

    expect(again.control).toEqual(first.control);
    expect(other.control).not.toEqual(first.control);
    // the SQL matches its JavaScript twin exactly, so both databases pick the same customers
    expect(first.control).toEqual(ids.filter((id) => inHoldout(id, 12345, 1000)));
    for (const r of first.rows.filter((x) => !x.isControl))
      expect(r.variant).toBe(variantOf(r.customerId!, 12345, materials));
    // shares within tolerance (3 standard deviations)
    expect(first.control.length).toBeGreaterThan(100 - 30);
    expect(first.control.length).toBeLessThan(100 + 30);
    expect(first.report).toMatchObject({ control: first.control.length, targets: 1000 - first.control.length });
    const a = first.report.variants.A!;
    const treated = 1000 - first.control.length;
    expect(Math.abs(a / treated - 0.7)).toBeLessThan(0.05);
    // control targets have no task and no variant
    for (const r of first.rows.filter((x) => x.isControl))
      expect(r).toMatchObject({ status: "control", taskId: null, variant: null });
  });

  it("posts to groups: one target per active group of an in-scope owner holding audience members", async () => {
    const owner = await k.g.staff();
    const outsider = await k.g.staff();
    const [member, dnd, stranger] = await k.customers(3, owner.id);
    await s.ds.query("UPDATE customers SET do_not_disturb = 1 WHERE id = ?", [dnd]);
    const at = k.clock.now();
    const group = async (ownerId: number, customerIds: number[], status: "active" | "dismissed" = "active") => {
      const gr = await k.g.group(
        { id: ownerId, userid: "x" },
        {
          chatId: `wr${uniq()}${uniq()}`,
          name: "群",
          status,
          memberCount: customerIds.length,
          createdAt: at,
          updatedAt: at,
        },
      );
      for (const customerId of customerIds)
        await k.g.groupMember(gr.id, {
          memberId: `wm${customerId}`,
          customerId,
          joinedAt: at,
          createdAt: at,
          updatedAt: at,
        });
      return gr.id;
    };
    const reached = await group(owner.id, [member!, dnd!]);
    await group(owner.id, [dnd!]); // only a do-not-disturb member
    await group(owner.id, [stranger!]); // nobody from the audience
    await group(owner.id, [member!], "dismissed");
    await group(outsider.id, [member!]); // owner outside the scope
    const draft = await k.draft({
      audience: { rule: await k.audience([member!, dnd!]) },
      channel: "group_post",
      scope: { staffIds: [owner.id] },
    });
    const { report } = await k.launch.launch(draft.id, k.hq);
    const targets = await k.targets(draft.id);
    expect(targets).toEqual([
      expect.objectContaining({ groupId: reached, customerId: null, staffId: owner.id, status: "pending" }),
    ]);
    expect(report).toMatchObject({ targets: 1, tasks: 1, groups: { members: 1 }, excluded: { do_not_disturb: 1 } });
  });

  it("launches once when two instances race, and the unique keys hold even without the claim", async () => {
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 1 });
    const store = await k.g.store();
    const guides = [await k.g.staff({ storeIds: [store.id] }), await k.g.staff({ storeIds: [store.id] })];
    const ids = [...(await k.customers(150, guides[0]!.id)), ...(await k.customers(150, guides[1]!.id))];
    const draft = await k.draft({ audience: { rule: await k.audience(ids) }, scope: { storeIds: [store.id] } });

    let second: DataSource | undefined;
    try {
      second = await openDatabase(s.db.target); // another server instance on the same database
      await migrate(second);
      const k2 = await campaignKit(second, { now: k.clock.now() });
      const outcomes = await Promise.allSettled([k.launch.launch(draft.id, k.hq), k2.launch.launch(draft.id, k2.hq)]);
      const won = outcomes.filter((o) => o.status === "fulfilled");
      const lost = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[];
      expect(won.length).toBe(1);
      expect(lost.length).toBe(1);
      expect(lost[0]!.reason).toMatchObject({ status: 409 });
    } finally {
      await second?.destroy();
    }
    const count = async (sql: string) => num((await s.ds.query(sql, [draft.id]))[0].n);
    expect(await count("SELECT COUNT(*) AS n FROM targets WHERE campaign_id = ?")).toBe(300);
    expect(await count("SELECT COUNT(DISTINCT customer_id) AS n FROM targets WHERE campaign_id = ?")).toBe(300);
    expect(await count("SELECT COUNT(*) AS n FROM tasks WHERE campaign_id = ?")).toBe(2);

    // a launch that got past the claim anyway (forced back to draft) cannot add a second row
    await execute(s.ds, "UPDATE campaigns SET status = 'draft' WHERE id = ?", [draft.id]);
    await k.launch.launch(draft.id, k.hq);
    expect(await count("SELECT COUNT(*) AS n FROM targets WHERE campaign_id = ?")).toBe(300);
    expect(await count("SELECT COUNT(*) AS n FROM tasks WHERE campaign_id = ?")).toBe(2);
    expect(await count("SELECT COUNT(*) AS n FROM campaign_audience WHERE campaign_id = ?")).toBe(300);

    // and a running campaign refuses a plain second launch
    await expect(k.launch.launch(draft.id, k.hq)).rejects.toMatchObject({ status: 409 });
  });

  it("sends store managers one digest each, and a failing notification never fails the launch", async () => {
    await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 1 });
    const north = await k.g.store({ name: "北店" });
    const south = await k.g.store({ name: "南店" });
    const guides = [await k.g.staff({ storeIds: [north.id] }), await k.g.staff({ storeIds: [south.id] })];
    const managerStaff = await k.g.staff({ storeIds: [north.id, south.id] });
    await s.ds.getRepository(StaffStore).update({ staffId: managerStaff.id }, { isManager: true });
    // a store_manager user linked to a staff member also counts
    const managerUser = await k.g.user({ role: "store_manager", storeCodes: [south.code] });
    const userStaff = await k.g.staff();
    await execute(s.ds, "UPDATE users SET staff_id = ? WHERE id = ?", [userStaff.id, managerUser.id]);
    const ids = [...(await k.customers(2, guides[0]!.id)), ...(await k.customers(3, guides[1]!.id))];
    const draft = await k.draft({
      audience: { rule: await k.audience(ids) },
      scope: { storeIds: [north.id, south.id] },
    });
    const before = k.sent.length;
    const { report } = await k.launch.launch(draft.id, k.hq);
    const sent = k.sent.slice(before);
    expect(
      sent
        .filter((m) => m.kind === "task_assigned")
        .map((m) => m.touser[0])
        .sort(),
    ).toEqual(guides.map((g) => g.userid).sort());
    const digests = sent.filter((m) => m.kind === "digest");
    expect(digests.map((m) => [m.touser[0], m.key]).sort()).toEqual(
      [
        [managerStaff.userid, `campaign:${draft.id}:digest:${managerStaff.userid}`],
        [userStaff.userid, `campaign:${draft.id}:digest:${userStaff.userid}`],
      ].sort(),
    );
    const both = digests.find((m) => m.touser[0] === managerStaff.userid)!.card.description;
    expect(both).toContain("北店：1 位员工，2 个任务对象");
    expect(both).toContain("南店：1 位员工，3 个任务对象");
    expect(report.notifications).toEqual({ sent: 4, failed: [] });
    const notified = await s.ds.query(
      "SELECT COUNT(*) AS n FROM tasks WHERE campaign_id = ? AND notified_at IS NOT NULL",
      [draft.id],
    );
    expect(num(notified[0].n)).toBe(2);

    // WeCom down: the launch stands, the failures are in the report
    const broken = await campaignKit(s.ds, {
      now: k.clock.now(),
      wecom: {
        client: {} as never,
        notifications: {
          sendTextCard: async () => {
            throw new Error("WeCom unreachable");
          },
        } as never,
      },
    });
    const other = await broken.draft({ audience: { rule: await k.audience(await k.customers(1, guides[0]!.id)) } });
    const launched = await broken.launch.launch(other.id, broken.hq);
    expect(launched.report.notifications!.failed).toEqual([
      { key: expect.stringMatching(/^task:\d+:assigned$/), error: "WeCom unreachable" },
      { key: `campaign:${other.id}:digest:${managerStaff.userid}`, error: "WeCom unreachable" },
    ]);
    expect((await s.ds.getRepository(Campaign).findOneByOrFail({ id: other.id })).launchReport).toMatchObject({
      targets: 1,
      notifications: { sent: 0 },
    });
  });

  it("keeps a store manager inside their stores", async () => {
    const mine = await k.g.store();
    const theirs = await k.g.store();
    const mineGuide = await k.g.staff({ storeIds: [mine.id] });
    const theirGuide = await k.g.staff({ storeIds: [theirs.id] });
    const managerUser = await k.g.user({ role: "store_manager", storeCodes: [mine.code] });
    const manager = { ...managerUser, storeIds: [mine.id] };
    const rule = { all: [] };
    // an empty scope means "my stores"
    const own = await k.draft({ audience: { rule } }, manager);
    expect(own.scope).toEqual({ storeIds: [mine.id] });
    await expect(k.draft({ audience: { rule }, scope: { storeIds: [theirs.id] } }, manager)).rejects.toMatchObject({
      status: 400,
      fields: [{ field: "scope.storeIds", reason: expect.stringContaining("outside your stores") }],
    });
    await expect(k.draft({ audience: { rule }, scope: { staffIds: [theirGuide.id] } }, manager)).rejects.toMatchObject({
      status: 400,
    });
    const staffScoped = await k.draft({ audience: { rule }, scope: { staffIds: [mineGuide.id] } }, manager);
    expect(staffScoped.scope).toEqual({ staffIds: [mineGuide.id] });
    // HQ's corp-wide campaign is out of the manager's reach
    const corp = await k.draft({ audience: { rule } });
    await expect(k.launch.launch(corp.id, manager)).rejects.toMatchObject({ status: 404 });
    await s.ds.getRepository(StaffStore).findOneByOrFail({ staffId: mineGuide.id });
  });
});
