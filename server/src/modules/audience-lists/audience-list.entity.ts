import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TimeColumn } from "../../db/columns.ts";

/** An uploaded list of customers (CSV of external_userid, mobile and/or unionid). */
@Entity({ name: "audience_lists" })
@Index("IDX_audience_lists_created", ["createdAt"])
export class AudienceList {
  @IdColumn() id: number;
  @StrColumn(100) name: string;
  @StrColumn(255, { nullable: true }) filename: string | null;
  /** the key columns of the file, comma-separated */
  @StrColumn(100) keyColumns: string;
  @IntColumn({ default: 0 }) totalRows: number;
  /** distinct customers matched */
  @IntColumn({ default: 0 }) matched: number;
  /** rows naming a customer an earlier row already named */
  @IntColumn({ default: 0 }) duplicates: number;
  @IntColumn({ default: 0 }) unmatched: number;
  @IntColumn({ nullable: true }) createdBy: number | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/** A customer an uploaded list matched, once per list. */
@Entity({ name: "audience_list_members" })
export class AudienceListMember {
  @IntColumn({ primary: true }) listId: number;
  @IntColumn({ primary: true }) customerId: number;
  /** the first line of the file that named the customer */
  @IntColumn() line: number;
}

/** A row of an uploaded list that matched no customer. */
@Entity({ name: "audience_list_unmatched" })
export class AudienceListUnmatched {
  @IntColumn({ primary: true }) listId: number;
  @IntColumn({ primary: true }) line: number;
  @StrColumn(255) value: string;
  @StrColumn(255) reason: string;
}
