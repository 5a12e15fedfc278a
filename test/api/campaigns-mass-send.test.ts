import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { num, readTime } from "../../server/src/db/dialect.ts";
import { followKey } from "../../server/src/wecom/simulator/index.ts";
import type { AddMsgTemplateRequest } from "../../server/src/wecom/wecom-types.ts";
import { startTestServer, type TestServer } from "../support/test-server.ts";
import { smallCorpSeed } from "../support/wecom-corp.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";
import { campaignKit, PUBLIC_URL, type CampaignKit } from "./campaigns-kit.ts";

const STATUS = { 0: "pending", 1: "sent", 2: "failed", 3: "failed" } as Record<number, string>;

describe(`a mass-send campaign against the WeCom simulator (${testDialect()})`, () => {
  let s: WecomTestServer;
  let k: CampaignKit;

  beforeAll(async () => {
    s = await startWecomTestServer({ seed: smallCorpSeed({ customers: 30 }) });
    expect((await s.services().sync.run("test")).status).toBe("done");
    k = await campaignKit(s.ds, { wecom: { client: s.wecomClient, notifications: s.services().notifications } });
  });
  afterAll(async () => {
    await s.stop();
  });

  it("creates one mass send per task, notifies staff, and takes each target's status from WeCom's send results", async () => {
    const customers: { id: unknown; external_userid: string }[] = await s.ds.query(
      "SELECT id, external_userid FROM customers ORDER BY external_userid",
    );
    const idOf = new Map(customers.map((c) => [c.external_userid, num(c.id)]));
    // wmTEST00003 (li.na's) stopped being her contact in WeCom since the last sync: add_msg_template lists it in fail_list
    s.sim.state.follows.delete(followKey("li.na", "wmTEST00003"));
    const material = await k.material({ type: "text", text: "{{staff.name}}：周末会员日，到店有礼" });
    const draft = await k.draft({
      audience: { rule: await k.audience(customers.map((c) => num(c.id))) },
      channel: "mass_send",
      materials: [{ variant: "A", materialId: material, share: 100 }],
    });
    const { report } = await k.launch.launch(draft.id, k.hq);
    expect(report).toMatchObject({ audience: 30, targets: 30, tasks: 3 });
    expect(report.massSends).toEqual({ created: 3, failed: [], failedRecipients: 1 });

    // one template per staff member, carrying exactly their targets and the text rendered for them
    const tasks = await k.tasks(draft.id);
    const staff: { id: unknown; userid: string; name: string }[] = await s.ds.query(
      "SELECT id, userid, name FROM staff",
    );
    const useridOf = new Map(staff.map((x) => [num(x.id), x.userid]));
    const targets = await k.targets(draft.id);
    const extOf = new Map(customers.map((c) => [num(c.id), c.external_userid]));
    for (const task of tasks) {
      const tpl = s.sim.state.massSends.get(task.msgid!)!;
      const userid = useridOf.get(task.staffId)!;
      expect(tpl.sender).toBe(userid);
      expect(tpl.text?.content).toBe(`${staff.find((x) => x.userid === userid)!.name}：周末会员日，到店有礼`);
      const mine = targets.filter((t) => t.taskId === task.id).map((t) => extOf.get(t.customerId!)!);
      const sentTo = [...tpl.rows.map((r) => r.external_userid!), ...(userid === "li.na" ? ["wmTEST00003"] : [])];
      expect(sentTo.sort()).toEqual(mine.sort());
    }
    const lost = targets.find((t) => t.customerId === idOf.get("wmTEST00003"))!;
    expect(lost).toMatchObject({ status: "failed", reason: "not a contact of the staff member (WeCom fail_list)" });

    // every guide got a text card linking to their task
    for (const task of tasks) {
      const msg = s.sim.state.appMessages.find(
        (m) => m.touser.includes(useridOf.get(task.staffId)!) && m.msgtype === "textcard",
      )!;
      expect((msg.body as { textcard: { url: string } }).textcard.url).toBe(`${PUBLIC_URL}/sidebar/tasks/${task.id}`);
    }

    // li.na confirms (one customer deleted her meanwhile), wang.fang confirms (one customer had a
    // mass send today already); zhang.wei has not confirmed yet
    const taskOf = (userid: string) => tasks.find((t) => useridOf.get(t.staffId) === userid)!;
    const rowsOf = (userid: string) => s.sim.state.massSends.get(taskOf(userid).msgid!)!.rows;
    const liGone = rowsOf("li.na")[0]!.external_userid!;
    const wangCapped = rowsOf("wang.fang")[1]!.external_userid!;
    await s.sim.confirmMassSend(taskOf("li.na").msgid!, "li.na", { failFor: [{ external_userid: liGone, status: 2 }] });
    await s.sim.confirmMassSend(taskOf("wang.fang").msgid!, "wang.fang", {
      failFor: [{ external_userid: wangCapped, status: 3 }],
    });

    // WeCom is still dispatching: nothing changes, try later
    s.sim.faults.dispatching(60_000);
    // (once per msgid for the task list, then once more for the send results of those who confirmed)
    expect(await k.tracking.readMassSendResults(draft.id)).toMatchObject({ read: 0, later: 3 });
    expect(await k.tracking.readMassSendResults(draft.id)).toMatchObject({ read: 1, later: 2, sent: 0, failed: 0 });
    const read = await k.tracking.readMassSendResults(draft.id);
    s.sim.faults.clear();
    expect(read).toMatchObject({ read: 3, later: 0, errors: 0, failed: 2 });

    const now = await k.targets(draft.id);
    for (const tpl of [rowsOf("li.na"), rowsOf("wang.fang"), rowsOf("zhang.wei")])
      for (const row of tpl) {
        const t = now.find((x) => x.customerId === idOf.get(row.external_userid!))!;
        expect(t.status).toBe(STATUS[row.status]);
        if (row.status === 1) expect(readTime(t.sentAt)!.getTime()).toBe(row.send_time! * 1000);
      }
    const byExt = (ext: string) => now.find((t) => t.customerId === idOf.get(ext))!;
    expect(byExt(liGone)).toMatchObject({ status: "failed", reason: "not a contact of the staff member any more" });
    expect(byExt(wangCapped)).toMatchObject({ status: "failed", reason: "already received a mass send today" });
    expect(rowsOf("zhang.wei").every((r) => byExt(r.external_userid!).status === "pending")).toBe(true);

    // tasks: the confirmed ones are done, the other still open; results read again change nothing
    const after = await k.tasks(draft.id);
    expect(after.find((t) => t.id === taskOf("li.na").id)).toMatchObject({ status: "done", pending: 0 });
    expect(after.find((t) => t.id === taskOf("zhang.wei").id)).toMatchObject({ status: "open" });
    const events = num((await s.ds.query("SELECT COUNT(*) AS n FROM target_events"))[0].n);
    expect(await k.tracking.readMassSendResults(draft.id)).toMatchObject({ read: 1, sent: 0, failed: 0 });
    expect(num((await s.ds.query("SELECT COUNT(*) AS n FROM target_events"))[0].n)).toBe(events);
    const states: { status: string }[] = await s.ds.query(
      "SELECT status FROM campaign_mass_sends WHERE campaign_id = ? ORDER BY task_id",
      [draft.id],
    );
    expect(states.map((x) => x.status).sort()).toEqual(["created", "done", "done"]);
  });
});

describe(`mass sends split by variant and by WeCom's 10 000-recipient limit (${testDialect()})`, () => {
  let s: TestServer;
  let k: CampaignKit;
  const calls: AddMsgTemplateRequest[] = [];

  beforeAll(async () => {
    s = await startTestServer();
    k = await campaignKit(s.ds, {
      client: {
        addMsgTemplate: async (req: AddMsgTemplateRequest) => {
          calls.push(req);
          return { msgid: `msg${calls.length}`, fail_list: [] };
        },
      },
    });
  });
  afterAll(async () => {
    await s.stop();
  });

  it("creates one template per task, variant and 10 000 recipients", async () => {
    const guide = await k.g.staff({ name: "王芳" });
    const ids = await k.customers(10_250, guide.id);
    const a = await k.material({ type: "text", text: "{{staff.name}}：A 文案" });
    const b = await k.material({
      type: "link",
      title: "会员日",
      url: "https://shop.example.com/day",
      picUrl: "/uploads/" + "a".repeat(64) + ".png",
      text: "{{staff.name}}：B 文案",
    });
    const draft = await k.draft({
      audience: { rule: await k.audience(ids) },
      channel: "mass_send",
      materials: [
        { variant: "A", materialId: a, share: 99 },
        { variant: "B", materialId: b, share: 1 },
      ],
    });
    const { report } = await k.launch.launch(draft.id, k.hq);
    const variantA = report.variants.A!;
    expect(variantA).toBeGreaterThan(10_000);
    expect(report.massSends).toEqual({ created: 3, failed: [], failedRecipients: 0 });
    const sizes = calls.map((c) => [c.text?.content, c.external_userid!.length, c.sender]);
    expect(sizes).toEqual(
      expect.arrayContaining([
        ["王芳：A 文案", 10_000, guide.userid],
        ["王芳：A 文案", variantA - 10_000, guide.userid],
        ["王芳：B 文案", report.variants.B, guide.userid],
      ]),
    );
    const link = calls.find((c) => c.attachments?.length)!.attachments![0]!;
    expect(link).toEqual({
      msgtype: "link",
      link: {
        title: "会员日",
        url: "https://shop.example.com/day",
        picurl: `${PUBLIC_URL}/uploads/${"a".repeat(64)}.png`,
      },
    });
    // every target went out exactly once
    const all = calls.flatMap((c) => c.external_userid!);
    expect(new Set(all).size).toBe(10_250);
    const rows: { chunk: unknown; status: string; msgid: string }[] = await s.ds.query(
      "SELECT chunk, status, msgid FROM campaign_mass_sends WHERE campaign_id = ? ORDER BY variant, chunk",
      [draft.id],
    );
    expect(rows.map((r) => [num(r.chunk), r.status])).toEqual([
      [0, "created"],
      [1, "created"],
      [0, "created"],
    ]);
    const [task] = await k.tasks(draft.id);
    expect(task!.msgid).toBe(rows[0]!.msgid);
  });
});
