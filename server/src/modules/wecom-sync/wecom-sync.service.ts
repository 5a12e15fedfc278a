import type { Logger } from "pino";
import { transactionWithRetry } from "../../db/dialect.ts";
import { In, IsNull, LessThan, MoreThan, Not, Or, type DataSource } from "typeorm";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import type { WecomUser } from "../../wecom/wecom-types.ts";
import { FollowRelation } from "../customers/customer.entity.ts";
import { CustomerGroup } from "../groups/group.entity.ts";
import { Staff } from "../staff/staff.entity.ts";
import { ContactWriter } from "./contact-writer.ts";
import { GroupWriter } from "./group-writer.ts";
import { SyncRun, type SyncCheckpoint, type SyncCounts, type SyncPhase } from "./sync-run.entity.ts";
import { TagSyncWriter } from "./tag-sync-writer.ts";

const BATCH_USERS = 100; // batch/get_by_user and owner_filter take at most 100 userids
const RESUME_WITHIN_MS = 24 * 3600_000;

const emptyCounts = (): SyncCounts => ({
  staff: 0,
  customers: 0,
  relations: 0,
  relationsGone: 0,
  tags: 0,
  groups: 0,
  members: 0,
  unlicensed: [],
});

/**
 * The full sync (wecom.md §G.9): follow users and their names, then customers page by page with
 * batch/get_by_user, the corp tag list, then groups with groupchat/list and groupchat/get. Every
 * page is written in its own transaction and the position saved with it, so a run killed midway
 * resumes where it stopped; writes are upserts, so re-reading a page duplicates nothing. At the
 * end, relations and groups this run did not see are marked as gone.
 */
export class WecomSyncService {
  constructor(
    private readonly ds: DataSource,
    private readonly client: WecomClient,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  latest(): Promise<SyncRun | null> {
    return this.ds.getRepository(SyncRun).findOne({ where: { kind: "full" }, order: { id: "DESC" } });
  }

  /** Resumes the last unfinished run (crashed or failed within a day) or starts a new one. */
  async run(triggeredBy: string, signal?: AbortSignal, onProgress?: (run: SyncRun) => void): Promise<SyncRun> {
    const repo = this.ds.getRepository(SyncRun);
    const now = this.clock.now();
    let run = await repo.findOne({
      where: {
        kind: "full",
        status: In(["running", "failed"]),
        startedAt: MoreThan(new Date(now.getTime() - RESUME_WITHIN_MS)),
      },
      order: { id: "DESC" },
    });
    const last = await this.latest();
    if (run && last && last.id !== run.id) run = null; // a newer run finished since: start afresh
    if (run) {
      this.log.info({ runId: run.id, phase: run.phase }, "resuming WeCom sync");
      await repo.update({ id: run.id }, { status: "running", error: null, heartbeatAt: now });
      run.status = "running";
    } else {
      run = await repo.save({
        kind: "full",
        status: "running",
        phase: "staff",
        checkpoint: {},
        counts: emptyCounts(),
        triggeredBy,
        error: null,
        startedAt: now,
        heartbeatAt: now,
        finishedAt: null,
      } as SyncRun);
    }
    const progress = async (phase: SyncPhase, checkpoint: SyncCheckpoint) => {
      run!.phase = phase;
      run!.checkpoint = checkpoint;
      await repo.update({ id: run!.id }, { phase, checkpoint, counts: run!.counts, heartbeatAt: this.clock.now() });
      onProgress?.(run!);
      if (signal?.aborted) throw new SyncInterrupted();
    };
    try {
      const order: SyncPhase[] = ["staff", "customers", "tags", "groups", "finish"];
      for (const phase of order.slice(order.indexOf(run.phase))) {
        if (phase === "staff") await this.syncStaff(run, progress);
        if (phase === "customers") await this.syncCustomers(run, progress);
        if (phase === "tags") await this.syncTags(run, progress);
        if (phase === "groups") await this.syncGroups(run, progress);
        if (phase === "finish") await this.finish(run);
      }
      await repo.update(
        { id: run.id },
        { status: "done", phase: "finish", counts: run.counts, finishedAt: this.clock.now() },
      );
      run.status = "done";
      onProgress?.(run);
      return run;
    } catch (err) {
      if (err instanceof SyncInterrupted) {
        this.log.warn({ runId: run.id, phase: run.phase }, "WeCom sync interrupted; it resumes on the next run");
        return run; // stays "running": the next run resumes it
      }
      await repo.update({ id: run.id }, { status: "failed", error: err instanceof Error ? err.message : String(err) });
      throw err;
    }
  }

  private async syncStaff(run: SyncRun, progress: Progress): Promise<void> {
    const follow = new Set(await this.client.getFollowUserList());
    const known = await this.ds.getRepository(Staff).find({ select: { userid: true } });
    const userids = [...new Set([...follow, ...known.map((s) => s.userid)])].sort();
    const users: WecomUser[] = [];
    for (const userid of userids) {
      try {
        users.push(await this.client.getUser(userid));
      } catch (err) {
        // 60111: no longer in the corp (or outside the visible range): keep the row, mark left
        if (err instanceof WecomError && err.errcode === 60111) {
          await this.ds
            .getRepository(Staff)
            .update({ userid }, { status: "left", customerContactEnabled: false, updatedAt: this.clock.now() });
          continue;
        }
        throw err;
      }
    }
    run.counts!.staff = await new ContactWriter(this.ds.manager).upsertStaff(users, follow, this.clock.now());
    await progress("customers", { userBatch: 0, cursor: "" });
  }

  private async syncCustomers(run: SyncRun, progress: Progress): Promise<void> {
    const follow = (await this.client.getFollowUserList()).sort();
    const unlicensed = new Set(run.counts!.unlicensed);
    for (let b = run.checkpoint?.userBatch ?? 0; b * BATCH_USERS < follow.length; b++) {
      const batch = follow.slice(b * BATCH_USERS, (b + 1) * BATCH_USERS);
      let cursor = b === (run.checkpoint?.userBatch ?? 0) ? (run.checkpoint?.cursor ?? "") : "";
      for (;;) {
        let page;
        try {
          page = await this.client.batchGetByUser(batch, cursor, 100);
        } catch (err) {
          if (err instanceof WecomError && err.errcode === 701008) {
            batch.forEach((u) => unlicensed.add(u)); // no member of this batch has an interop licence
            break;
          }
          throw err;
        }
        page.fail_info?.unlicensed_userid_list?.forEach((u) => unlicensed.add(u));
        const items = page.external_contact_list.map((e) => ({ contact: e.external_contact, follow: e.follow_info }));
        await transactionWithRetry(this.ds, (em) => new ContactWriter(em).upsertContacts(items, run.startedAt));
        run.counts!.relations += items.length;
        run.counts!.unlicensed = [...unlicensed].sort();
        cursor = page.next_cursor ?? "";
        if (!cursor) break;
        await progress("customers", { userBatch: b, cursor });
      }
      await progress("customers", { userBatch: b + 1, cursor: "" });
    }
    run.counts!.customers = Number(
      (await this.ds.query("SELECT COUNT(DISTINCT customer_id) AS n FROM follow_relations WHERE status = 'active'"))[0]
        .n,
    );
    await progress("tags", {});
  }

  private async syncTags(run: SyncRun, progress: Progress): Promise<void> {
    const groups = await this.client.getCorpTagList();
    run.counts!.tags = await this.ds.transaction((em) =>
      new TagSyncWriter(em).upsertCorpTags(groups, this.clock.now()),
    );
    await progress("groups", { userBatch: 0, listCursor: "" });
  }

  private async syncGroups(run: SyncRun, progress: Progress): Promise<void> {
    const owners = (await this.ds.getRepository(Staff).find({ select: { userid: true }, where: { status: "active" } }))
      .map((s) => s.userid)
      .sort();
    for (let b = run.checkpoint?.userBatch ?? 0; b * BATCH_USERS < owners.length; b++) {
      let cursor = b === (run.checkpoint?.userBatch ?? 0) ? (run.checkpoint?.listCursor ?? "") : "";
      for (;;) {
        const page = await this.client.groupChatList({
          status_filter: 0,
          owner_filter: { userid_list: owners.slice(b * BATCH_USERS, (b + 1) * BATCH_USERS) },
          cursor,
          limit: 100,
        });
        for (const item of page.group_chat_list) {
          const detail = await this.client.groupChatGet(item.chat_id);
          const r = await this.ds.transaction((em) =>
            new GroupWriter(em).upsertGroup(detail, item.status, run.startedAt),
          );
          run.counts!.groups += 1;
          run.counts!.members += r.members;
        }
        cursor = page.next_cursor ?? "";
        if (!cursor) break;
        await progress("groups", { userBatch: b, listCursor: cursor });
      }
      await progress("groups", { userBatch: b + 1, listCursor: "" });
    }
    await progress("finish", {});
  }

  /** Whatever a complete run did not see is gone from WeCom (except for unlicensed members). */
  private async finish(run: SyncRun): Promise<void> {
    const now = this.clock.now();
    const unlicensed = run.counts!.unlicensed;
    const staffIds = (
      await this.ds
        .getRepository(Staff)
        .find({ select: { id: true }, where: { userid: unlicensed.length ? Not(In(unlicensed)) : Not(IsNull()) } })
    ).map((s) => s.id);
    if (staffIds.length) {
      const gone = await this.ds
        .getRepository(FollowRelation)
        .update(
          { status: "active", staffId: In(staffIds), syncedAt: Or(IsNull(), LessThan(run.startedAt)) },
          { status: "gone", endedAt: now, updatedAt: now },
        );
      run.counts!.relationsGone = gone.affected ?? 0;
    }
    await this.ds
      .getRepository(CustomerGroup)
      .update(
        { status: "active", syncedAt: Or(IsNull(), LessThan(run.startedAt)) },
        { status: "dismissed", dismissedAt: now, updatedAt: now },
      );
  }
}

type Progress = (phase: SyncPhase, checkpoint: SyncCheckpoint) => Promise<void>;

class SyncInterrupted extends Error {}
