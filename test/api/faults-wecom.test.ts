import { afterEach, describe, expect, it } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import { CustomerTag } from "../../server/src/modules/tags/tag.entity.ts";
import { followKey } from "../../server/src/wecom/simulator/index.ts";
import { wecomSnapshot } from "../support/snapshot.ts";
import { smallCorpSeed } from "../support/wecom-corp.ts";
import { given } from "../support/given.ts";
import { startWecomTestServer, type WecomTestServer } from "../support/wecom-server.ts";
import { testDialect } from "../support/test-db.ts";
import { syncedMassSendDraft } from "./campaigns-kit.ts";

/**
 * The WeCom chain end to end with every kind of fault the simulator injects (expired tokens,
 * 45009, 5xx, timeouts, slow answers) switched on at once: sync, tag mirror, mass sends. Plain
 * fault cases per step live in wecom-sync, wecom-messages-and-mirror and campaigns-mass-send.
 */
const TIMEOUT_MS = 400; // roomy enough that a merely busy machine does not time out 4 calls in a row
const LATE_MS = 1_000; // longer than the client waits

describe(`WeCom under faults (${testDialect()})`, () => {
  const servers: WecomTestServer[] = [];
  const start = async (customers = 60, clientTimeoutMs = TIMEOUT_MS) => {
    const s = await startWecomTestServer({ seed: smallCorpSeed({ customers }), clientTimeoutMs });
    servers.push(s);
    return s;
  };
  afterEach(async () => {
    while (servers.length) await servers.pop()!.stop();
  });

  it("sync completes and tag mirroring catches up through tokens, 45009, 5xx, timeouts and slow answers", async () => {
    const clean = await start();
    expect((await clean.services().sync.run("test")).status).toBe("done");
    const expected = await wecomSnapshot(clean.ds);

    const s = await start();
    const f = s.sim.faults;
    f.failNext("externalcontact/batch/get_by_user", 45009, 2);
    f.httpErrorNext("externalcontact/groupchat/list", 503, 1);
    f.slowNext("externalcontact/groupchat/get", LATE_MS, 2); // timed out twice, then answered
    f.slowNext("externalcontact/get_follow_user_list", TIMEOUT_MS / 3, 1); // slow but in time
    let pages = 0;
    const run = await s.services().sync.run("test", undefined, () => {
      if (++pages === 2) f.expireTokens(); // the token dies between two pages
    });
    expect(run.status).toBe("done");
    expect(await wecomSnapshot(s.ds)).toEqual(expected);
    const codes = s.sim.calls.map((c) => c.errcode);
    expect(codes).toEqual(expect.arrayContaining([42001, 45009]));
    expect(s.sim.calls.some((c) => c.status === 503)).toBe(true);

    // two mirrored system tags on every customer but the third
    const now = new Date();
    const g = given(s.ds);
    const group = await g.tagGroup({ code: "rfm", name: "RFM", source: "rfm" });
    const tags = await Promise.all(
      ["rfm:important_value", "rfm:important_retain"].map((code, i) =>
        g.tag(group.id, {
          code,
          name: ["重要价值客户", "重要挽留客户"][i]!,
          source: "rfm",
          isSystem: true,
          mirrorToWecom: true,
          sort: i,
        }),
      ),
    );
    const customers: { id: unknown }[] = await s.ds.query("SELECT id FROM customers ORDER BY external_userid");
    await s.ds.getRepository(CustomerTag).insert(
      customers.flatMap((c, i) =>
        i % 3 === 2
          ? []
          : [
              {
                customerId: num(c.id),
                tagId: tags[i % 2]!.id,
                source: "rfm" as const,
                assignedBy: null,
                createdAt: now,
              },
            ],
      ),
    );
    f.expireTokens();
    f.failNext("externalcontact/add_corp_tag", 45009, 1);
    f.httpErrorNext("externalcontact/mark_tag", 502, 2);
    f.failNext("externalcontact/mark_tag", 45033, 3);
    f.slowNext("externalcontact/mark_tag", LATE_MS, 4); // each of these exhausts the transport retries once
    f.failNext("externalcontact/mark_tag", -1, 1);
    const reports = [];
    for (let i = 0; i < 5; i++) {
      const report = await s.services().tagMirror.run();
      reports.push(report);
      if (report.failed === 0) break;
    }
    expect(reports.at(-1)).toMatchObject({ failed: 0 });
    // caught up: WeCom holds exactly Siyu's mirrored tags on every relation, and one tag group
    const own = [...s.sim.state.tagGroups.values()].filter((g) => g.group_name === "私域系统标签");
    expect(own).toHaveLength(1);
    expect(own[0]!.tags).toHaveLength(2);
    const ids = new Map(
      (await s.ds.query("SELECT id, wecom_tag_id FROM tags WHERE mirror_to_wecom = 1")).map(
        (r: { id: unknown; wecom_tag_id: string }) => [num(r.id), r.wecom_tag_id],
      ),
    );
    const rels: { userid: string; external_userid: string; tag_id: unknown }[] = await s.ds.query(
      `SELECT st.userid, c.external_userid, ct.tag_id FROM follow_relations f
         JOIN customers c ON c.id = f.customer_id JOIN staff st ON st.id = f.staff_id
         LEFT JOIN customer_tags ct ON ct.customer_id = c.id WHERE f.status = 'active'`,
    );
    expect(rels.length).toBeGreaterThan(60);
    for (const r of rels) {
      const have = s.sim.state.follows
        .get(followKey(r.userid, r.external_userid))!
        .tag_ids.filter((id) => [...ids.values()].includes(id));
      expect(have).toEqual(r.tag_id === null ? [] : [ids.get(num(r.tag_id))]);
    }
  });

  it("creates no mass send twice when WeCom answers late, rate-limits, fails or the job runs again", async () => {
    // a generous timeout here: an answer that is merely slow on a busy machine must not count as late
    const s = await start(30, 1_000);
    const { k, draft } = await syncedMassSendDraft(s, "会员日");
    const f = s.sim.faults;
    // first template: WeCom creates it but its answer comes after the client gave up; second:
    // rate-limited, then a gateway error, both before WeCom did anything (safe to retry); third:
    // the token has expired
    const client = s.wecomClient;
    const add = client.addMsgTemplate.bind(client);
    let calls = 0;
    client.addMsgTemplate = (req) => {
      if (++calls === 1) f.slowAnswerNext("externalcontact/add_msg_template", 1_500, 1);
      if (calls === 2) {
        f.failNext("externalcontact/add_msg_template", 45009, 1);
        f.httpErrorNext("externalcontact/add_msg_template", 502, 1);
      }
      if (calls === 3) f.expireTokens();
      return add(req);
    };
    const { report } = await k.launch.launch(draft.id, k.hq);
    expect(report.tasks).toBe(3);

    // the background job picks up what is left, twice over
    await k.launch.createMassSends();
    await k.launch.createMassSends();

    const bySender = new Map<string, number>();
    for (const t of s.sim.state.massSends.values()) bySender.set(t.sender!, (bySender.get(t.sender!) ?? 0) + 1);
    expect([...bySender.values()].every((n) => n === 1)).toBe(true);
    expect(bySender.size).toBe(3); // every staff member's template exists in WeCom exactly once
    const rows = () =>
      s.ds.query("SELECT status, msgid FROM campaign_mass_sends WHERE campaign_id = ? ORDER BY id", [
        draft.id,
      ]) as Promise<{ status: string; msgid: string | null }[]>;
    // the late one is neither created nor failed: WeCom may hold it
    expect((await rows()).map((r) => r.status).sort()).toEqual(["created", "created", "unconfirmed"]);
    expect(report.massSends).toMatchObject({ created: 2, failed: [], unconfirmed: 1 });

    // the reconciler (the job's next run, later) finds it in WeCom's list and adopts it; nothing is created again
    k.clock.advance(60_000);
    expect(await k.reconciler!.run()).toEqual({ adopted: 1, requeued: 0, waiting: 0 });
    await k.launch.createMassSends();
    expect(s.sim.state.massSends.size).toBe(3);
    const held = await rows();
    expect(held.every((r) => r.status === "created")).toBe(true);
    expect(held.map((r) => r.msgid).sort()).toEqual([...s.sim.state.massSends.keys()].sort());
  });
});
