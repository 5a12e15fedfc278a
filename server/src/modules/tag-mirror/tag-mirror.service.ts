import type { Logger } from "pino";
import { IsNull, MoreThan, Not, type DataSource } from "typeorm";
import type { Clock } from "../../platform/clock.ts";
import type { WecomClient } from "../../wecom/wecom-client.ts";
import { WecomError } from "../../wecom/wecom-error.ts";
import { FollowRelation } from "../customers/customer.entity.ts";
import type { SettingsService } from "../settings/settings.service.ts";
import { Tag } from "../tags/tag.entity.ts";
import { MIRROR_STATUS_SETTING, type MirrorStatus } from "./tag-mirror-status.ts";

export const MIRROR_SETTING = "wecom.tagMirror";

export interface MirrorSetting {
  enabled: boolean;
  groupName: string;
  /** the corp tag group Siyu created and owns; filled in by the first run */
  groupId?: string;
}

export interface MirrorReport {
  tagsCreated: number;
  relations: number;
  marked: number;
  failed: number;
}

const PAGE = 500;
const CONCURRENCY = 4;

/**
 * Mirrors the system tags chosen for mirroring (tags.mirror_to_wecom) into one WeCom corp tag
 * group that Siyu creates and owns, relation by relation with mark_tag. Only the difference is
 * sent, only Siyu's own tag ids are ever added or removed, and a relation whose call fails keeps
 * its recorded state, so the next run catches up. A run with nothing to change calls mark_tag
 * zero times.
 */
export class TagMirrorService {
  constructor(
    private readonly ds: DataSource,
    private readonly client: WecomClient,
    private readonly settings: SettingsService,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  async run(signal?: AbortSignal): Promise<MirrorReport> {
    const setting = await this.settings.get<MirrorSetting>(MIRROR_SETTING, {
      enabled: true,
      groupName: "私域系统标签",
    });
    const report: MirrorReport = { tagsCreated: 0, relations: 0, marked: 0, failed: 0 };
    if (!setting.enabled) return report;
    const startedAt = this.clock.now();
    // failed relations and the last error per WeCom tag id, for the tags page's mirror status
    const failures = new Map<string, { failed: number; error: string }>();
    try {
      report.tagsCreated = await this.ensureCorpTags(setting);
    } catch (err) {
      if (err instanceof WecomError) await this.saveStatus(startedAt, report, failures, `${err.errcode} ${err.errmsg}`);
      throw err;
    }
    const owned = new Set(
      (
        await this.ds.getRepository(Tag).find({
          select: { wecomTagId: true },
          where: { mirrorToWecom: true, wecomTagId: Not(IsNull()), deletedAt: IsNull() },
        })
      ).map((t) => t.wecomTagId!),
    );
    let afterId = 0;
    for (;;) {
      if (signal?.aborted) break;
      const relations = await this.ds.getRepository(FollowRelation).find({
        where: { status: "active", id: MoreThan(afterId) },
        order: { id: "ASC" },
        take: PAGE,
      });
      if (!relations.length) break;
      afterId = relations.at(-1)!.id;
      const desired = await this.desiredTags(relations.map((r) => r.customerId));
      const work = relations
        .map((r) => {
          const want = desired.get(r.customerId) ?? new Set<string>();
          const have = new Set((r.wecomTagIds ?? []).filter((id) => owned.has(id)));
          return {
            r,
            add: [...want].filter((id) => !have.has(id)).sort(),
            remove: [...have].filter((id) => !want.has(id)).sort(),
          };
        })
        .filter((w) => w.add.length || w.remove.length);
      report.relations += relations.length;
      await this.pool(work, async ({ r, add, remove }) => {
        try {
          const [staff, customer] = await Promise.all([
            this.ds.query("SELECT userid FROM staff WHERE id = ?", [r.staffId]),
            this.ds.query("SELECT external_userid FROM customers WHERE id = ?", [r.customerId]),
          ]);
          if (!staff[0] || !customer[0]?.external_userid) return;
          await this.client.markTag({
            userid: staff[0].userid,
            external_userid: customer[0].external_userid,
            add_tag: add,
            remove_tag: remove,
          });
          const next = [...new Set([...(r.wecomTagIds ?? []).filter((id) => !remove.includes(id)), ...add])].sort();
          await this.ds
            .getRepository(FollowRelation)
            .update({ id: r.id }, { wecomTagIds: next, updatedAt: this.clock.now() });
          report.marked++;
        } catch (err) {
          if (!(err instanceof WecomError)) throw err;
          report.failed++;
          for (const id of [...add, ...remove])
            failures.set(id, { failed: (failures.get(id)?.failed ?? 0) + 1, error: `${err.errcode} ${err.errmsg}` });
          this.log.warn({ relationId: r.id, errcode: err.errcode }, "mark_tag failed; the next run retries");
        }
      });
    }
    if (!signal?.aborted) await this.saveStatus(startedAt, report, failures, null);
    return report;
  }

  /**
   * Records the run for the tags page: per mirrored tag, the failures of this run and when it was
   * last fully mirrored (kept from the run before when this one failed for it).
   */
  private async saveStatus(
    startedAt: Date,
    report: MirrorReport,
    failures: Map<string, { failed: number; error: string }>,
    error: string | null,
  ): Promise<void> {
    const before = await this.settings.get<MirrorStatus | null>(MIRROR_STATUS_SETTING, null);
    const finishedAt = this.clock.now().toISOString();
    const tags = await this.ds.getRepository(Tag).find({ where: { mirrorToWecom: true, deletedAt: IsNull() } });
    const status: MirrorStatus = { startedAt: startedAt.toISOString(), finishedAt, error, report, tags: {} };
    for (const t of tags) {
      const failed = t.wecomTagId ? failures.get(t.wecomTagId) : undefined;
      const ok = t.wecomTagId !== null && !failed && !error;
      status.tags[t.id] = {
        lastMirroredAt: ok ? finishedAt : (before?.tags[t.id]?.lastMirroredAt ?? null),
        failed: failed?.failed ?? 0,
        error: failed?.error ?? (t.wecomTagId ? null : error),
      };
    }
    await this.settings.set(MIRROR_STATUS_SETTING, status, "tag-mirror");
  }

  /** Creates the owned group and any missing tags in WeCom; records their ids on our tags. */
  private async ensureCorpTags(setting: MirrorSetting): Promise<number> {
    const tags = await this.ds
      .getRepository(Tag)
      .find({ where: { mirrorToWecom: true, deletedAt: IsNull() }, order: { id: "ASC" } });
    if (!tags.length) return 0;
    const existing = setting.groupId ? await this.client.getCorpTagList({ group_id: [setting.groupId] }) : [];
    const group = existing.find((g) => g.group_id === setting.groupId && !g.deleted);
    const liveIds = new Set((group?.tag ?? []).filter((t) => !t.deleted).map((t) => t.id));
    const missing = tags.filter((t) => !t.wecomTagId || !liveIds.has(t.wecomTagId));
    if (!missing.length) return 0;
    const created = await this.client.addCorpTag(
      group
        ? { group_id: group.group_id, tag: missing.map((t) => ({ name: t.name })) }
        : { group_name: setting.groupName, tag: missing.map((t) => ({ name: t.name })) },
    );
    if (!group) await this.settings.set(MIRROR_SETTING, { ...setting, groupId: created.group_id }, "tag-mirror");
    const byName = new Map(created.tag.map((t) => [t.name, t.id]));
    for (const t of missing) {
      const id = byName.get(t.name);
      if (id) await this.ds.getRepository(Tag).update({ id: t.id }, { wecomTagId: id, updatedAt: this.clock.now() });
    }
    return missing.length;
  }

  /** WeCom tag ids each customer should carry: its mirrored tags. */
  private async desiredTags(customerIds: number[]): Promise<Map<number, Set<string>>> {
    const out = new Map<number, Set<string>>();
    if (!customerIds.length) return out;
    const rows: { customer_id: number; wecom_tag_id: string }[] = await this.ds.query(
      `SELECT ct.customer_id, t.wecom_tag_id FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
        WHERE t.mirror_to_wecom = 1 AND t.wecom_tag_id IS NOT NULL AND t.deleted_at IS NULL
          AND ct.customer_id IN (${customerIds.map(() => "?").join(", ")})`,
      customerIds,
    );
    for (const r of rows) {
      const id = Number(r.customer_id);
      if (!out.has(id)) out.set(id, new Set());
      out.get(id)!.add(r.wecom_tag_id);
    }
    return out;
  }

  private async pool<T>(items: T[], fn: (item: T) => Promise<void>): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(CONCURRENCY, items.length) }, async () => {
        while (next < items.length) await fn(items[next++]!);
      }),
    );
  }
}
