import { afterEach, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import {
  ABANDONED_CREATING_MS,
  UNCONFIRMED_SETTLE_MS,
} from "../../server/src/modules/campaigns/mass-send-reconcile.ts";
import { smallCorpSeed } from "../support/wecom-corp.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";
import { syncedMassSendDraft } from "./campaigns-kit.ts";

const API = "externalcontact/add_msg_template";
const CLIENT_TIMEOUT_MS = 800;
const LATE_MS = 1_500; // past the client's timeout

/**
 * add_msg_template timed out: WeCom may or may not hold the mass send. Siyu neither creates it
 * again blindly (a second send to every recipient) nor gives it up (recipients never reached).
 */
describe(`a mass send whose creation timed out (${testDialect()})`, () => {
  const servers: WecomTestServer[] = [];
  afterEach(async () => {
    while (servers.length) await servers.pop()!.stop();
  });

  /** A synced corp and a launched mass-send campaign whose first add_msg_template gets `fault`. */
  const launchWith = async (fault: (s: WecomTestServer) => void, text = "会员日，{{staff.name}}等您") => {
    const s = await startWecomTestServer({
      seed: smallCorpSeed({ customers: 30 }),
      clientTimeoutMs: CLIENT_TIMEOUT_MS,
    });
    servers.push(s);
    const { k, draft } = await syncedMassSendDraft(s, text);
    const add = s.wecomClient.addMsgTemplate.bind(s.wecomClient);
    let calls = 0;
    s.wecomClient.addMsgTemplate = (req) => {
      if (++calls === 1) fault(s);
      return add(req);
    };
    const { report } = await k.launch.launch(draft.id, k.hq);
    const rows = async () =>
      (await s.ds.query(
        `SELECT m.status, m.msgid, m.task_id, s.userid FROM campaign_mass_sends m JOIN staff s ON s.id = m.staff_id
          WHERE m.campaign_id = ? ORDER BY m.id`,
        [draft.id],
      )) as { status: string; msgid: string | null; task_id: unknown; userid: string }[];
    const sendersInWecom = () => [...s.sim.state.massSends.values()].map((t) => t.sender!).sort();
    // the job's next run comes later; the kit's clock stood still while WeCom's ran on
    k.clock.advance(60_000);
    const now = async () => (await k.campaigns.get(draft.id, k.hq)).launchReport!.massSends;
    return { s, k, report, rows, sendersInWecom, now };
  };

  it("is adopted when WeCom created it, and its recipients are neither failed nor sent to twice", async () => {
    const { s, k, report, rows, sendersInWecom, now } = await launchWith((s) =>
      s.sim.faults.slowAnswerNext(API, LATE_MS),
    );
    expect(report.massSends).toMatchObject({ created: 2, failed: [], unconfirmed: 1 });
    expect(await now()).toMatchObject({ created: 2, failed: [], unconfirmed: 1 });
    const late = (await rows()).find((r) => r.status === "unconfirmed")!;
    expect(late.msgid).toBeNull();
    const pending = await s.ds.query("SELECT COUNT(*) AS n FROM targets WHERE task_id = ? AND status = 'pending'", [
      late.task_id,
    ]);
    expect(num(pending[0].n)).toBeGreaterThan(0); // nothing given up

    // another pass of the job before the check must not create it again
    await k.launch.createMassSends();
    expect(sendersInWecom()).toHaveLength(3);

    expect(await k.reconciler!.run()).toEqual({ adopted: 1, requeued: 0, waiting: 0 });
    // the campaign's page reads the mass sends as they stand, not as the launch left them
    expect(await now()).toMatchObject({ created: 3, failed: [], unconfirmed: 0 });
    const adopted = (await rows()).find((r) => r.userid === late.userid)!;
    const inWecom = [...s.sim.state.massSends.values()].find((t) => t.sender === late.userid)!;
    expect(adopted).toMatchObject({ status: "created", msgid: inWecom.msgid });
    const [task] = await s.ds.query("SELECT wecom_msgid FROM tasks WHERE id = ?", [late.task_id]);
    expect(task.wecom_msgid).toBe(inWecom.msgid);

    // later passes change nothing
    expect(await k.reconciler!.run()).toEqual({ adopted: 0, requeued: 0, waiting: 0 });
    await k.launch.createMassSends();
    expect(new Set(sendersInWecom()).size).toBe(3);
    expect(sendersInWecom()).toHaveLength(3);
  });

  it("is created again, once, when WeCom never received it and the settling time has passed", async () => {
    // the request waits past the client's timeout, then the gateway fails it: WeCom did nothing
    const { k, report, rows, sendersInWecom } = await launchWith((s) => {
      s.sim.faults.slowNext(API, LATE_MS);
      s.sim.faults.httpErrorNext(API, 502);
    });
    expect(report.massSends).toMatchObject({ created: 2, unconfirmed: 1 });
    expect(sendersInWecom()).toHaveLength(2);

    // too early to tell: WeCom's list may not show it yet
    expect(await k.reconciler!.run()).toEqual({ adopted: 0, requeued: 0, waiting: 1 });
    expect((await rows()).filter((r) => r.status === "unconfirmed")).toHaveLength(1);

    k.clock.advance(UNCONFIRMED_SETTLE_MS);
    expect(await k.reconciler!.run()).toEqual({ adopted: 0, requeued: 1, waiting: 0 });
    expect((await k.launch.createMassSends()).created).toBe(1);
    await k.launch.createMassSends();
    expect(sendersInWecom()).toHaveLength(3);
    expect(new Set(sendersInWecom()).size).toBe(3);
    expect((await rows()).every((r) => r.status === "created" && r.msgid)).toBe(true);
  });

  it("never takes another staff member's or an already held mass send with the same text", async () => {
    // every staff member's text is the same here, so only the task's sender tells them apart
    const { s, k, rows } = await launchWith((s) => s.sim.faults.slowAnswerNext(API, LATE_MS), "会员日");
    const late = (await rows()).find((r) => r.status === "unconfirmed")!;
    const others = (await rows()).filter((r) => r.userid !== late.userid);
    expect(others.every((r) => r.msgid && s.sim.state.massSends.has(r.msgid))).toBe(true);
    expect(await k.reconciler!.run()).toMatchObject({ adopted: 1 });
    const held = await rows();
    expect(new Set(held.map((r) => r.msgid)).size).toBe(3); // no msgid held twice
    const mine = [...s.sim.state.massSends.values()].find((t) => t.sender === late.userid)!;
    expect(held.find((r) => r.userid === late.userid)!.msgid).toBe(mine.msgid);
  });

  it("settles a mass send left `creating` by a process that died after WeCom created it", async () => {
    const { s, k, rows, sendersInWecom } = await launchWith(() => {});
    const [first] = await rows();
    // the process died between WeCom's answer and the UPDATE that records it
    await s.ds.query("UPDATE campaign_mass_sends SET status = 'creating', msgid = NULL WHERE msgid = ?", [
      first!.msgid,
    ]);
    await s.ds.query("UPDATE tasks SET wecom_msgid = NULL WHERE id = ?", [first!.task_id]);
    expect(await k.reconciler!.run()).toEqual({ adopted: 0, requeued: 0, waiting: 0 }); // may still be in flight
    k.clock.advance(ABANDONED_CREATING_MS);
    expect(await k.reconciler!.run()).toEqual({ adopted: 1, requeued: 0, waiting: 0 });
    expect((await rows())[0]).toMatchObject({ status: "created", msgid: first!.msgid });
    await k.launch.createMassSends();
    expect(sendersInWecom()).toHaveLength(3);
  });

  it("recognises it by what was sent, even when the material was edited since", async () => {
    const { s, k, rows } = await launchWith((s) => s.sim.faults.slowAnswerNext(API, LATE_MS));
    await s.ds.query("UPDATE materials SET content = ?", [JSON.stringify({ type: "text", text: "改过的文案" })]);
    expect(await k.reconciler!.run()).toEqual({ adopted: 1, requeued: 0, waiting: 0 });
    expect((await rows()).every((r) => r.status === "created")).toBe(true);
    expect(s.sim.state.massSends.size).toBe(3);
  });
});
