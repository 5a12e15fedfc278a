import type { AutomationInput, AutomationKind, AutomationRun, AutomationView } from "@/api/automations";
import type { AssignmentRule, MaterialVariant } from "@/api/campaigns";
import type { SegmentKey } from "@/api/types";

export const AUTOMATION_CHANNELS = ["private_chat", "mass_send"] as const;

/** The create/edit form: every kind's settings side by side, payloadOf() keeps the kind's own. */
export interface AutomationForm {
  name: string;
  kind: AutomationKind;
  enabled: boolean;
  segmentId: number | null;
  schedule: string;
  anyDowngrade: boolean;
  pairs: { from: SegmentKey; to: SegmentKey }[];
  days: number;
  channel: (typeof AUTOMATION_CHANNELS)[number];
  variants: MaterialVariant[];
  storeIds: number[];
  deadlineHours: number;
  reminders: number[];
  conversionWindowDays: number;
  holdoutPercent: number;
  assignmentRule: AssignmentRule;
}

export function emptyForm(kind: AutomationKind = "after_added"): AutomationForm {
  return {
    name: "",
    kind,
    enabled: true,
    segmentId: null,
    schedule: "0 10 * * 1",
    anyDowngrade: true,
    pairs: [{ from: "important_value", to: "important_retain" }],
    days: 3,
    channel: "private_chat",
    variants: [{ variant: "A", materialId: 0, share: 100 }],
    storeIds: [],
    deadlineHours: 72,
    reminders: [24],
    conversionWindowDays: 7,
    holdoutPercent: 0,
    assignmentRule: "first_added",
  };
}

export function formOf(a: AutomationView): AutomationForm {
  const f = emptyForm(a.kind);
  const c = a.config;
  Object.assign(f, {
    name: a.name,
    enabled: a.enabled,
    channel: a.template.channel === "mass_send" ? "mass_send" : "private_chat",
    variants: a.template.materials.map((v) => ({ ...v })),
    storeIds: [...(a.template.scope.storeIds ?? [])],
    deadlineHours: a.template.deadlineHours,
    reminders: [...a.template.reminders],
    conversionWindowDays: a.template.conversionWindowDays,
    holdoutPercent: a.template.holdoutPercent,
    assignmentRule: a.template.assignmentRule,
  });
  if ("segmentId" in c) Object.assign(f, { segmentId: c.segmentId, schedule: c.schedule });
  if ("anyDowngrade" in c) f.anyDowngrade = true;
  if ("pairs" in c) Object.assign(f, { anyDowngrade: false, pairs: c.pairs.map((p) => ({ ...p })) });
  if ("days" in c) f.days = c.days;
  return f;
}

export function payloadOf(f: AutomationForm): AutomationInput {
  const config =
    f.kind === "segment_schedule"
      ? { segmentId: f.segmentId ?? 0, schedule: f.schedule.trim() }
      : f.kind === "rfm_downgrade"
        ? f.anyDowngrade
          ? { anyDowngrade: true as const }
          : { pairs: f.pairs.map((p) => ({ ...p })) }
        : { days: f.days };
  return {
    name: f.name.trim(),
    kind: f.kind,
    enabled: f.enabled,
    config,
    template: {
      channel: f.channel,
      materials: f.variants.map((v) => ({ ...v })),
      scope: f.storeIds.length ? { storeIds: [...f.storeIds] } : {},
      deadlineHours: f.deadlineHours,
      reminders: f.reminders.filter((h) => h < f.deadlineHours).sort((a, b) => b - a),
      conversionWindowDays: f.conversionWindowDays,
      holdoutPercent: f.holdoutPercent,
      assignmentRule: f.assignmentRule,
    },
  };
}

/** Server field errors keyed by the form's field (template.materials.0.materialId → materials). */
export function formErrors(fields: { field: string; reason: string }[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { field, reason } of fields) {
    const parts = field.split(".");
    const key = parts[0] === "template" || parts[0] === "config" ? (parts[1] ?? parts[0]) : parts[0]!;
    out[key] ??= reason;
  }
  return out;
}

/** What a run did, as figures for one line of the history. */
export function runFigures(r: AutomationRun): { customers: number; targets: number | null; excluded: number | null } {
  const s = r.summary;
  return {
    customers: r.customers,
    targets: s ? s.targets : null,
    excluded: s ? Object.values(s.excluded).reduce((a, b) => a + b, 0) + s.unassignable : null,
  };
}
