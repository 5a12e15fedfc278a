import type { DataSource } from "typeorm";
import { insertIgnoreRows, num, readTime, sqlTime, transactionWithRetry } from "../../db/dialect.ts";
import { ConflictError, NotFoundError, ValidationError } from "../../http/errors.ts";
import type { Clock } from "../../platform/clock.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import { Campaign } from "../campaigns/campaign.entity.ts";
import type { CustomersService } from "../customers/customers.service.ts";
import { CsvFormatError, CsvHeaderError, type CsvInput } from "../imports/csv.ts";
import type { SegmentPreview } from "../segments/segments.service.ts";
import { AudienceList, AudienceListUnmatched } from "./audience-list.entity.ts";
import { listMembersSql } from "./audience-list-sql.ts";
import { matchList, parseList, type ListKey } from "./list-rows.ts";

export interface UnmatchedRow {
  line: number;
  value: string;
  reason: string;
}

export interface AudienceListView {
  id: number;
  name: string;
  filename: string | null;
  keyColumns: ListKey[];
  /** data rows in the file */
  rows: number;
  /** distinct customers matched: the list's members */
  matched: number;
  /** rows naming a customer an earlier row already named */
  duplicates: number;
  unmatched: number;
  createdBy: number | null;
  createdAt: string;
}

/** At most this many unmatched rows come with a stored list (the upload answer carries them all). */
const UNMATCHED_SHOWN = 1000;

/**
 * Uploaded-list audiences: a CSV of external_userid, mobile and/or unionid matched to customers
 * as data-formats.md says. The matched customers are stored once each and become a campaign's
 * audience exactly like a segment's members (listMembersSql); the rows that matched no customer
 * are stored and reported with their line, value and reason. A file that is not CSV, has a wrong
 * header or no rows is refused whole (400) and nothing is stored.
 */
export class AudienceListsService {
  constructor(
    private readonly ds: DataSource,
    private readonly customers: CustomersService,
    private readonly clock: Clock,
  ) {}

  async upload(req: {
    name?: string;
    filename?: string;
    data: CsvInput;
    userId: number | null;
  }): Promise<AudienceListView & { unmatchedRows: UnmatchedRow[] }> {
    let parsed;
    try {
      parsed = await parseList(req.data);
    } catch (err) {
      if (!(err instanceof CsvFormatError)) throw err;
      throw new ValidationError(`${req.filename ?? "The file"} was refused: ${err.message}`, [
        { field: err instanceof CsvHeaderError ? "header" : "file", reason: err.message },
      ]);
    }
    const now = this.clock.now();
    const name = (req.name ?? req.filename?.replace(/\.csv$/i, "") ?? `名单 ${sqlTime(now).slice(0, 16)}`).slice(
      0,
      100,
    );
    const { list, unmatched } = await transactionWithRetry(this.ds, async (em) => {
      const match = await matchList(em, parsed.rows);
      const list = await em.getRepository(AudienceList).save({
        name,
        filename: req.filename ?? null,
        keyColumns: parsed.keyColumns.join(","),
        totalRows: parsed.rows.length,
        matched: match.members.size,
        duplicates: match.duplicates,
        unmatched: match.unmatched.length,
        createdBy: req.userId,
        createdAt: now,
        updatedAt: now,
      });
      await insertIgnoreRows(
        em,
        "audience_list_members",
        ["list_id", "customer_id", "line"],
        [...match.members].map(([customerId, line]) => [list.id, customerId, line]),
      );
      const unmatched = match.unmatched.map((u) => ({
        line: u.line,
        value: u.value.slice(0, 255),
        reason: u.reason.slice(0, 255),
      }));
      await insertIgnoreRows(
        em,
        "audience_list_unmatched",
        ["list_id", "line", "value", "reason"],
        unmatched.map((u) => [list.id, u.line, u.value, u.reason]),
      );
      return { list, unmatched };
    });
    return { ...view(list), unmatchedRows: unmatched };
  }

  async list(): Promise<AudienceListView[]> {
    return (await this.ds.getRepository(AudienceList).find({ order: { id: "DESC" } })).map(view);
  }

  /** The list and its first unmatched rows (the upload answer had them all). */
  async get(id: number): Promise<AudienceListView & { unmatchedRows: UnmatchedRow[] }> {
    const list = await this.load(id);
    const rows = await this.ds
      .getRepository(AudienceListUnmatched)
      .find({ where: { listId: id }, order: { line: "ASC" }, take: UNMATCHED_SHOWN });
    return { ...view(list), unmatchedRows: rows.map((r) => ({ line: r.line, value: r.value, reason: r.reason })) };
  }

  /** Count and a sample of 20 members, as a segment preview; a store manager's stays inside their stores. */
  async preview(id: number, user?: UserView): Promise<SegmentPreview> {
    await this.load(id);
    const { sql, params } = listMembersSql(id, this.customers.where({}, user));
    const count = num((await this.ds.query(`SELECT COUNT(*) AS n ${sql}`, params))[0]?.n);
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT c.id, c.name, r.segment, COALESCE(r.lifecycle, 'prospect') AS lifecycle,
              (SELECT MIN(s.name) FROM follow_relations f JOIN staff s ON s.id = f.staff_id WHERE f.customer_id = c.id AND f.status = 'active') AS owner
         ${sql} ORDER BY c.id LIMIT 20`,
      params,
    );
    return {
      count,
      sample: rows.map((r) => ({
        id: num(r.id),
        name: String(r.name),
        segment: (r.segment as string) ?? null,
        lifecycle: String(r.lifecycle),
        owners: (r.owner as string) ?? "",
      })),
    };
  }

  /** Removes a list no campaign uses. */
  async remove(id: number): Promise<void> {
    await this.load(id);
    if (await this.ds.getRepository(Campaign).existsBy({ audienceListId: id }))
      throw new ConflictError("A campaign uses this list; it cannot be removed");
    await transactionWithRetry(this.ds, async (em) => {
      await em.query("DELETE FROM audience_list_members WHERE list_id = ?", [id]);
      await em.query("DELETE FROM audience_list_unmatched WHERE list_id = ?", [id]);
      await em.query("DELETE FROM audience_lists WHERE id = ?", [id]);
    });
  }

  private async load(id: number): Promise<AudienceList> {
    const list = await this.ds.getRepository(AudienceList).findOneBy({ id });
    if (!list) throw new NotFoundError("No such list");
    return list;
  }
}

function view(l: AudienceList): AudienceListView {
  return {
    id: l.id,
    name: l.name,
    filename: l.filename,
    keyColumns: l.keyColumns.split(",") as ListKey[],
    rows: l.totalRows,
    matched: l.matched,
    duplicates: l.duplicates,
    unmatched: l.unmatched,
    createdBy: l.createdBy,
    createdAt: readTime(l.createdAt)!.toISOString(),
  };
}
