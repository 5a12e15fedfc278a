import type { DataSource } from "typeorm";
import { num, readTime } from "../../db/dialect.ts";
import type { UserView } from "../auth/auth.schemas.ts";
import type { CustomerListQuery } from "./customers.schemas.ts";
import type { CustomersService } from "./customers.service.ts";

const PAGE = 1000;

export const CUSTOMER_EXPORT_COLUMNS = [
  "id",
  "external_userid",
  "name",
  "segment",
  "lifecycle",
  "r_score",
  "f_score",
  "m_score",
  "recency_days",
  "frequency",
  "monetary_cents",
  "last_paid_at",
  "owners",
  "tags",
] as const;

/**
 * The admin's "export the filtered list": the same filter and scope as the list API, every match
 * (not one page), read a thousand rows at a time in id order so memory stays flat at any size.
 * UTF-8 with a BOM so that Excel reads the Chinese names; owners and tags joined by "|".
 */
export class CustomersExport {
  constructor(
    private readonly ds: DataSource,
    private readonly customers: CustomersService,
  ) {}

  async write(
    q: Partial<CustomerListQuery>,
    user: UserView,
    out: (chunk: string) => void | Promise<void>,
  ): Promise<number> {
    const { sql, params } = this.customers.where(q, user);
    await out(`\uFEFF${CUSTOMER_EXPORT_COLUMNS.join(",")}\n`);
    let after = 0;
    let rows = 0;
    for (;;) {
      const page: Record<string, unknown>[] = await this.ds.query(
        `SELECT c.id, c.external_userid, c.name, r.segment, r.lifecycle, r.r_score, r.f_score, r.m_score,
                r.recency_days, r.frequency, r.monetary_cents, r.last_paid_at
           FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id
           ${sql ? `${sql} AND` : "WHERE"} c.id > ? ORDER BY c.id LIMIT ?`,
        [...params, after, PAGE],
      );
      if (!page.length) return rows;
      const ids = page.map((r) => num(r.id));
      const owners = await this.customers.ownersOf(ids);
      const tags = await this.customers.tagsOf(ids);
      let chunk = "";
      for (const r of page) {
        const id = num(r.id);
        const n = (v: unknown) => (v === null || v === undefined ? "" : String(num(v)));
        chunk +=
          [
            String(id),
            csvCell(r.external_userid),
            csvCell(r.name),
            csvCell(r.segment),
            csvCell(r.lifecycle ?? "prospect"),
            n(r.r_score),
            n(r.f_score),
            n(r.m_score),
            n(r.recency_days),
            n(r.frequency),
            n(r.monetary_cents),
            readTime(r.last_paid_at)?.toISOString() ?? "",
            csvCell((owners.get(id) ?? []).map((o) => o.userid).join("|")),
            csvCell((tags.get(id) ?? []).map((t) => t.name).join("|")),
          ].join(",") + "\n";
      }
      await out(chunk);
      rows += page.length;
      after = ids[ids.length - 1]!;
    }
  }
}

/**
 * One CSV cell: quoted when it holds a separator, quote or line break; a leading = + - @ (or tab or
 * carriage return) gets an apostrophe so that a spreadsheet never runs a customer's name as a formula.
 */
export function csvCell(v: unknown): string {
  if (v === null || v === undefined) return "";
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
