import { Table, TableIndex, type QueryRunner, type TableColumnOptions } from "typeorm";

/**
 * Column builders for migrations written once for MySQL/MariaDB and SQLite. Types are the ones
 * TypeORM normalises identically on both drivers ("integer", explicit varchar lengths), so the
 * schema matches the entities exactly. Never import entities or services here.
 */
export const col = {
  id: (): TableColumnOptions => ({
    name: "id",
    type: "integer",
    isPrimary: true,
    isGenerated: true,
    generationStrategy: "increment",
  }),
  int: (name: string, opts: { nullable?: boolean; default?: number; primary?: boolean } = {}): TableColumnOptions => ({
    name,
    type: "integer",
    isNullable: opts.nullable ?? false,
    isPrimary: opts.primary ?? false,
    default: opts.default,
  }),
  bigint: (name: string, opts: { nullable?: boolean; default?: number } = {}): TableColumnOptions => ({
    name,
    type: "bigint",
    isNullable: opts.nullable ?? false,
    default: opts.default,
  }),
  /** Indexed strings stay within 191 characters (utf8mb4 index limit on older MySQL). */
  str: (
    name: string,
    length: number,
    opts: { nullable?: boolean; default?: string; primary?: boolean } = {},
  ): TableColumnOptions => ({
    name,
    type: "varchar",
    length: String(length),
    isNullable: opts.nullable ?? false,
    isPrimary: opts.primary ?? false,
    default: opts.default === undefined ? undefined : `'${opts.default.replace(/'/g, "''")}'`,
  }),
  text: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({
    name,
    type: "text",
    isNullable: opts.nullable ?? true,
  }),
  /** JSON is kept as text on both databases (entities use simple-json). */
  json: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({
    name,
    type: "text",
    isNullable: opts.nullable ?? true,
  }),
  bool: (name: string, def: boolean): TableColumnOptions => ({
    name,
    type: "boolean",
    isNullable: false,
    default: def ? 1 : 0,
  }),
  /** UTC instant with milliseconds: datetime(3) on MySQL, ISO-like text on SQLite. */
  time: (name: string, opts: { nullable?: boolean } = {}): TableColumnOptions => ({
    name,
    type: "datetime",
    precision: 3,
    isNullable: opts.nullable ?? false,
  }),
  /** A calendar day `YYYY-MM-DD` (in the corp's business day, see group activity). */
  day: (name: string): TableColumnOptions => ({ name, type: "varchar", length: "10", isNullable: false }),
  createdAt: (): TableColumnOptions => col.time("created_at"),
  updatedAt: (): TableColumnOptions => col.time("updated_at"),
};

export function index(name: string, columnNames: string[], unique = false): TableIndex {
  return new TableIndex({ name, columnNames, isUnique: unique });
}

/** Creates a table with its indexes unless it exists already, so a migration is safe to run twice. */
export async function createTable(
  runner: QueryRunner,
  name: string,
  columns: TableColumnOptions[],
  indices: TableIndex[] = [],
): Promise<void> {
  if (await runner.hasTable(name)) return;
  await runner.createTable(new Table({ name, columns, indices }), true);
}

export async function dropTables(runner: QueryRunner, names: string[]): Promise<void> {
  for (const name of [...names].reverse()) await runner.dropTable(name, true);
}
