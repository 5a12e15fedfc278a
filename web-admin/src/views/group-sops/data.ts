import type { GroupSopInput, GroupSopView, SopRunStatus, SopTargetKind } from "@/api/group-sops";

/** Days of the week as cron numbers (0 = Sunday), Monday first as the UI shows them. */
export const WEEKDAYS = [1, 2, 3, 4, 5, 6, 0] as const;
export const TARGET_KINDS: SopTargetKind[] = ["groups", "owners", "stores"];

/** The simple schedule builder: daily or on some weekdays at a time; anything else stays raw cron. */
export interface ScheduleBuilder {
  mode: "daily" | "weekly" | "cron";
  /** `HH:mm`, Shanghai time */
  time: string;
  days: number[];
  cron: string;
}

export interface SopForm {
  name: string;
  materialId: number | null;
  targetKind: SopTargetKind;
  groupIds: number[];
  staffIds: number[];
  storeIds: number[];
  schedule: ScheduleBuilder;
  dueHours: number;
  enabled: boolean;
  botAutoPost: boolean;
}

const pad = (n: number) => String(n).padStart(2, "0");

/** The cron expression a builder stands for. */
export function cronOf(b: ScheduleBuilder): string {
  if (b.mode === "cron") return b.cron.trim();
  const [h, m] = b.time.split(":").map((x) => Number(x));
  const days = [...new Set(b.days)].sort((x, y) => x - y);
  return `${m ?? 0} ${h ?? 0} * * ${b.mode === "weekly" && days.length ? days.join(",") : "*"}`;
}

/** A builder for a cron expression: daily or weekly when it is one, raw cron otherwise. */
export function builderOf(cron: string): ScheduleBuilder {
  const raw: ScheduleBuilder = { mode: "cron", time: "10:00", days: [], cron: cron.trim() };
  const parts = cron.trim().split(/\s+/);
  if (parts.length !== 5) return raw;
  const [m, h, dom, mon, dow] = parts as [string, string, string, string, string];
  if (!/^\d{1,2}$/.test(m) || !/^\d{1,2}$/.test(h) || dom !== "*" || mon !== "*") return raw;
  if (Number(m) > 59 || Number(h) > 23) return raw;
  const time = `${pad(Number(h))}:${pad(Number(m))}`;
  if (dow === "*") return { mode: "daily", time, days: [], cron: raw.cron };
  if (!/^[0-6](,[0-6])*$/.test(dow)) return raw;
  const days = [...new Set(dow.split(",").map(Number))].sort((x, y) => x - y);
  return { mode: "weekly", time, days, cron: raw.cron };
}

/** What the list shows for a schedule: an i18n key under groupSops.scheduleText and its values. */
export function scheduleText(
  cron: string,
  weekday: (d: number) => string,
): { key: string; values: Record<string, string> } {
  const b = builderOf(cron);
  if (b.mode === "daily") return { key: "daily", values: { time: b.time } };
  if (b.mode === "weekly") return { key: "weekly", values: { time: b.time, days: b.days.map(weekday).join("、") } };
  return { key: "cron", values: { cron } };
}

export function emptyForm(): SopForm {
  return {
    name: "",
    materialId: null,
    targetKind: "groups",
    groupIds: [],
    staffIds: [],
    storeIds: [],
    schedule: { mode: "daily", time: "10:00", days: [], cron: "0 10 * * *" },
    dueHours: 4,
    enabled: true,
    botAutoPost: false,
  };
}

export function formOf(s: GroupSopView): SopForm {
  const t = s.targets;
  return {
    ...emptyForm(),
    name: s.name,
    materialId: s.materialId,
    targetKind: t.kind,
    groupIds: t.kind === "groups" ? [...t.groupIds] : [],
    staffIds: t.kind === "owners" ? [...t.staffIds] : [],
    storeIds: t.kind === "stores" ? [...t.storeIds] : [],
    schedule: builderOf(s.schedule),
    dueHours: s.dueHours,
    enabled: s.enabled,
    botAutoPost: s.botAutoPost,
  };
}

export function payloadOf(f: SopForm): GroupSopInput {
  const targets =
    f.targetKind === "groups"
      ? { kind: "groups" as const, groupIds: [...f.groupIds] }
      : f.targetKind === "owners"
        ? { kind: "owners" as const, staffIds: [...f.staffIds] }
        : { kind: "stores" as const, storeIds: [...f.storeIds] };
  return {
    name: f.name.trim(),
    materialId: f.materialId ?? 0,
    targets,
    schedule: cronOf(f.schedule),
    dueHours: f.dueHours,
    enabled: f.enabled,
    botAutoPost: f.botAutoPost,
  };
}

/** Server field errors keyed by the form's field (targets.groupIds → targets). */
export function formErrors(fields: { field: string; reason: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, reason } of fields) out[field.split(".")[0]!] ??= reason;
  return out;
}

/** How many things the SOP targets, for the list ("3 groups", "2 owners' groups"). */
export function targetCount(s: Pick<GroupSopView, "targets">): { kind: SopTargetKind; n: number } {
  const t = s.targets;
  return {
    kind: t.kind,
    n: t.kind === "groups" ? t.groupIds.length : t.kind === "owners" ? t.staffIds.length : t.storeIds.length,
  };
}

/** Tag colour of an occurrence's status. */
export function runTagType(status: SopRunStatus): "success" | "info" | "warning" | "danger" | "primary" {
  if (status === "done") return "success";
  if (status === "failed") return "danger";
  if (status === "missed" || status === "empty") return "warning";
  return "primary";
}
