import type { RfmSettings, TransitionCell } from "@/api/rfm";

export const SEGMENTS = [
  "important_value",
  "important_develop",
  "important_keep",
  "important_retain",
  "general_value",
  "general_develop",
  "general_keep",
  "general_retain",
] as const;

/** Break points are edited in the unit people think in: monetary in yuan, stored in cents. */
export function toForm(s: RfmSettings): RfmSettings {
  return { ...s, monetary: s.monetary.map((c) => c / 100) };
}
export function fromForm(f: RfmSettings): RfmSettings {
  return { ...f, monetary: f.monetary.map((y) => Math.round(y * 100)) };
}

/** Server field errors (`monetary.2`, `activeDays`) keyed by the form's top-level field. */
export function fieldErrors(fields: { field: string; reason: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields ?? []) {
    const key = f.field.split(".")[0]!;
    out[key] ??= f.field.includes(".") ? `${f.field}: ${f.reason}` : f.reason;
  }
  return out;
}

/**
 * Heat-map cells [x (to), y (from), count] over the given keys; customers with no segment on
 * one side are shown in a trailing "—" row or column.
 */
export function heatmapData(
  keys: readonly string[],
  cells: TransitionCell[],
): { axis: string[]; data: [number, number, number][] } {
  const axis = [...keys, "—"];
  const index = (k: string | null) => (k === null ? keys.length : keys.indexOf(k));
  const data = cells
    .map((c) => [index(c.to), index(c.from), c.count] as [number, number, number])
    .filter(([x, y]) => x >= 0 && y >= 0);
  return { axis, data };
}
