import { Column, PrimaryColumn, PrimaryGeneratedColumn } from "typeorm";

/**
 * Column decorators with explicit types (tsx/esbuild emits no decorator metadata), matching the
 * builders in migrations/helpers.ts so that the schema and the entities never drift.
 */
export const IdColumn = () => PrimaryGeneratedColumn({ type: "integer" });
export const IntColumn = (opts: { nullable?: boolean; default?: number; primary?: boolean } = {}) =>
  opts.primary
    ? PrimaryColumn({ type: "integer" })
    : Column({ type: "integer", nullable: opts.nullable ?? false, default: opts.default });
export const BigIntColumn = (opts: { nullable?: boolean } = {}) =>
  Column({ type: "bigint", nullable: opts.nullable ?? false, transformer: bigintTransformer });
export const StrColumn = (length: number, opts: { nullable?: boolean; default?: string; primary?: boolean } = {}) =>
  opts.primary
    ? PrimaryColumn({ type: "varchar", length })
    : Column({ type: "varchar", length, nullable: opts.nullable ?? false, default: opts.default });
export const TextColumn = (opts: { nullable?: boolean } = {}) =>
  Column({ type: "text", nullable: opts.nullable ?? true });
export const JsonColumn = (opts: { nullable?: boolean } = {}) =>
  Column({ type: "simple-json", nullable: opts.nullable ?? true });
export const BoolColumn = (def: boolean) => Column({ type: "boolean", default: def });
export const TimeColumn = (opts: { nullable?: boolean; primary?: boolean } = {}) =>
  opts.primary
    ? PrimaryColumn({ type: "datetime", precision: 3 })
    : Column({ type: "datetime", precision: 3, nullable: opts.nullable ?? false });

const bigintTransformer = {
  to: (v: number | null | undefined) => v,
  from: (v: string | number | null) => (v === null ? null : Number(v)),
};
