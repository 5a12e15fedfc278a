import type { DataSource } from "typeorm";
import { num, placeholders } from "../../db/dialect.ts";
import type { CustomerListQuery } from "./customers.schemas.ts";

/**
 * The list filtered by "any of these tags" and nothing else, newest or oldest first. Neither
 * database merges the per-tag ranges of the (tag_id, customer_id) index in id order: both build
 * the whole set of holders and sort it, hundreds of thousands of rows for a segment tag. Reading
 * each tag's range from its end and merging the first ids here is exact and touches only
 * (page end × tags) index entries; the capped count reads distinct holders up to the cap.
 */
export class TagAnyPage {
  constructor(private readonly ds: DataSource) {}

  async count(tags: number[], cap: number): Promise<number> {
    const [row] = await this.ds.query(
      `SELECT COUNT(*) AS n FROM (SELECT DISTINCT ct.customer_id FROM customer_tags ct
         WHERE ct.tag_id IN (${placeholders(tags.length)}) LIMIT ?) capped`,
      [...tags, cap + 1],
    );
    return num(row?.n);
  }

  async pageIds(tags: number[], q: CustomerListQuery): Promise<number[]> {
    const offset = (q.page - 1) * q.pageSize;
    const need = offset + q.pageSize;
    const dir = q.sort === "-id" ? "DESC" : "ASC";
    const ids = new Set<number>();
    for (const tag of tags) {
      const rows = await this.ds.query(
        `SELECT ct.customer_id AS id FROM customer_tags ct WHERE ct.tag_id = ? ORDER BY ct.customer_id ${dir} LIMIT ?`,
        [tag, need],
      );
      for (const r of rows) ids.add(num(r.id));
    }
    const sorted = [...ids].sort((a, b) => (dir === "DESC" ? b - a : a - b));
    return sorted.slice(offset, need);
  }
}
