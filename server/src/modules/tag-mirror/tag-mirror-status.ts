import type { DataSource } from "typeorm";
import { concatSql, dialectOf, num } from "../../db/dialect.ts";
import type { SettingsService } from "../settings/settings.service.ts";

/** Where the last mirror run's outcome is kept (written by TagMirrorService at the end of a run). */
export const MIRROR_STATUS_SETTING = "wecom.tagMirror.status";

export interface MirrorStatus {
  startedAt: string;
  finishedAt: string;
  /** a failure of the whole run (creating the corp tags), else null */
  error: string | null;
  report: { tagsCreated: number; relations: number; marked: number; failed: number };
  /** by Siyu tag id */
  tags: Record<string, { lastMirroredAt: string | null; failed: number; error: string | null }>;
}

export type TagMirrorState = "off" | "mirrored" | "pending" | "failed";

export interface TagMirrorView {
  tagId: number;
  state: TagMirrorState;
  wecomTagId: string | null;
  /** follow relations whose customer carries the tag but whose WeCom relation does not yet */
  pendingRelations: number;
  /** relations that failed in the last run */
  failedRelations: number;
  lastMirroredAt: string | null;
  error: string | null;
}

/**
 * The WeCom mirror status of every tag, from what the mirror stored (the tags' WeCom ids, each
 * relation's mirrored ids, the last run's failures): read-only, no WeCom call.
 */
export class TagMirrorStatusService {
  constructor(
    private readonly ds: DataSource,
    private readonly settings: SettingsService,
  ) {}

  async status(): Promise<{ lastRun: Omit<MirrorStatus, "tags"> | null; tags: TagMirrorView[] }> {
    const last = await this.settings.get<MirrorStatus | null>(MIRROR_STATUS_SETTING, null);
    const tags: { id: unknown; mirror_to_wecom: unknown; wecom_tag_id: string | null }[] = await this.ds.query(
      "SELECT id, mirror_to_wecom, wecom_tag_id FROM tags WHERE deleted_at IS NULL ORDER BY id",
    );
    // one grouped count: relations that should carry a mirrored tag's WeCom id and do not (the
    // relation's ids are stored as a JSON array of strings, so the id appears quoted)
    const quoted = concatSql(dialectOf(this.ds), `'%"'`, "t.wecom_tag_id", `'"%'`);
    const pending: { tag_id: unknown; n: unknown }[] = await this.ds.query(
      `SELECT t.id AS tag_id, COUNT(*) AS n
         FROM tags t
         JOIN customer_tags ct ON ct.tag_id = t.id
         JOIN follow_relations fr ON fr.customer_id = ct.customer_id AND fr.status = 'active'
        WHERE t.mirror_to_wecom = 1 AND t.deleted_at IS NULL AND t.wecom_tag_id IS NOT NULL
          AND (fr.wecom_tag_ids IS NULL OR fr.wecom_tag_ids NOT LIKE ${quoted})
        GROUP BY t.id`,
    );
    const pendingBy = new Map(pending.map((p) => [num(p.tag_id), num(p.n)]));
    return {
      lastRun: last
        ? { startedAt: last.startedAt, finishedAt: last.finishedAt, error: last.error, report: last.report }
        : null,
      tags: tags.map((t) => {
        const id = num(t.id);
        const run = last?.tags[id];
        const pendingRelations = pendingBy.get(id) ?? 0;
        const failedRelations = run?.failed ?? 0;
        const mirrored = num(t.mirror_to_wecom) === 1;
        const state: TagMirrorState = !mirrored
          ? "off"
          : failedRelations > 0 || (!t.wecom_tag_id && run?.error)
            ? "failed"
            : !t.wecom_tag_id || pendingRelations > 0
              ? "pending"
              : "mirrored";
        return {
          tagId: id,
          state,
          wecomTagId: t.wecom_tag_id,
          pendingRelations,
          failedRelations,
          lastMirroredAt: mirrored ? (run?.lastMirroredAt ?? null) : null,
          error: mirrored ? (run?.error ?? null) : null,
        };
      }),
    };
  }
}
