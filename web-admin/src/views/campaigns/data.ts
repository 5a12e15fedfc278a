import type { UserRole } from "@/api/types";
import type {
  AssignmentRule,
  CampaignChannel,
  CampaignDetail,
  CampaignInput,
  CampaignMeasurement,
  CampaignScope,
  CampaignStatus,
  CampaignView,
  Comparison,
  MaterialVariant,
} from "@/api/campaigns";
import { fromRule, newCondition, newGroup, toRule, type UiGroup } from "@/views/segments/data";

export type AudienceMode = "segment" | "rule" | "list";

/** Everything the wizard edits, across its steps. */
export interface WizardForm {
  name: string;
  goal: string;
  audienceMode: AudienceMode;
  segmentId: number | null;
  rule: UiGroup;
  listId: number | null;
  channel: CampaignChannel;
  variants: MaterialVariant[];
  storeIds: number[];
  staffIds: number[];
  startAt: Date;
  deadlineAt: Date;
  reminders: number[];
  conversionWindowDays: number;
  holdoutPercent: number;
  assignmentRule: AssignmentRule;
}

export const WIZARD_STEPS = ["goal", "audience", "channel", "schedule", "review"] as const;
export type WizardStep = (typeof WIZARD_STEPS)[number];
export const REMINDER_CHOICES = [72, 48, 24, 12, 6, 2, 1];

const HOUR = 3600_000;

export function defaultWizard(now: Date): WizardForm {
  const start = new Date(Math.ceil(now.getTime() / (5 * 60_000)) * 5 * 60_000); // the next 5 minutes
  return {
    name: "",
    goal: "",
    audienceMode: "segment",
    segmentId: null,
    rule: newGroup("all", [newCondition()]),
    listId: null,
    channel: "private_chat",
    variants: [{ variant: "A", materialId: 0, share: 100 }],
    storeIds: [],
    staffIds: [],
    startAt: start,
    deadlineAt: new Date(start.getTime() + 72 * HOUR),
    reminders: [24, 2],
    conversionWindowDays: 7,
    holdoutPercent: 0,
    assignmentRule: "first_added",
  };
}

/** Shares that add up to 100, the first variants taking the remainder (3 → 34/33/33). */
export function evenShares(n: number): number[] {
  const base = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => base + (i < 100 - base * n ? 1 : 0));
}

/** Adds the next letter and splits evenly; at most 5 variants. */
export function addVariant(variants: MaterialVariant[]): MaterialVariant[] {
  if (variants.length >= 5) return variants;
  const used = new Set(variants.map((v) => v.variant));
  const letter = "ABCDEFGHIJKLMNOPQRSTUVWXYZ".split("").find((l) => !used.has(l))!;
  const next = [...variants, { variant: letter, materialId: 0, share: 0 }];
  const shares = evenShares(next.length);
  return next.map((v, i) => ({ ...v, share: shares[i]! }));
}

export function removeVariant(variants: MaterialVariant[], index: number): MaterialVariant[] {
  const next = variants.filter((_, i) => i !== index);
  const shares = evenShares(next.length);
  return next.map((v, i) => ({ ...v, share: shares[i]! }));
}

export const shareTotal = (variants: MaterialVariant[]) => variants.reduce((s, v) => s + (v.share || 0), 0);

/** The POST /campaigns body. */
export function buildPayload(f: WizardForm): CampaignInput {
  const audience =
    f.audienceMode === "segment"
      ? { segmentId: f.segmentId ?? 0 }
      : f.audienceMode === "list"
        ? { listId: f.listId ?? 0 }
        : { rule: toRule(f.rule, true) };
  const scope: CampaignInput["scope"] = {};
  if (f.storeIds.length) scope.storeIds = [...f.storeIds];
  if (f.staffIds.length) scope.staffIds = [...f.staffIds];
  return {
    name: f.name.trim(),
    ...(f.goal.trim() ? { goal: f.goal.trim() } : {}),
    audience,
    channel: f.channel,
    materials: f.variants.map((v) => ({ variant: v.variant, materialId: v.materialId, share: v.share })),
    scope,
    startAt: f.startAt.toISOString(),
    deadlineAt: f.deadlineAt.toISOString(),
    reminders: [...f.reminders].sort((a, b) => b - a),
    conversionWindowDays: f.conversionWindowDays,
    holdoutPercent: f.channel === "group_post" ? 0 : f.holdoutPercent,
    assignmentRule: f.assignmentRule,
  };
}

/** A saved draft back in the wizard (buildPayload's inverse). */
export function wizardOf(c: CampaignView): WizardForm {
  const f = defaultWizard(new Date(c.startAt));
  const a = c.audience;
  return {
    ...f,
    name: c.name,
    goal: c.goal ?? "",
    audienceMode: "segmentId" in a ? "segment" : "listId" in a ? "list" : "rule",
    segmentId: "segmentId" in a ? a.segmentId : null,
    listId: "listId" in a ? a.listId : null,
    rule: "rule" in a ? fromRule(a.rule) : f.rule,
    channel: c.channel,
    variants: c.materials.map((v) => ({ ...v })),
    storeIds: [...(c.scope.storeIds ?? [])],
    staffIds: [...(c.scope.staffIds ?? [])],
    startAt: new Date(c.startAt),
    deadlineAt: new Date(c.deadlineAt),
    reminders: [...c.reminders],
    conversionWindowDays: c.conversionWindowDays,
    holdoutPercent: c.holdoutPercent,
    assignmentRule: c.assignmentRule,
  };
}

/** Which step a server field error belongs to. */
export function stepOfField(field: string): WizardStep {
  const head = field.split(".")[0]!;
  if (head === "name" || head === "goal") return "goal";
  if (head === "audience") return "audience";
  if (head === "channel" || head === "materials") return "channel";
  return "schedule";
}

/** What the wizard checks before moving on from a step; keys are i18n keys under campaigns.wizard.errors. */
export function stepProblems(step: WizardStep, f: WizardForm): string[] {
  const out: string[] = [];
  if (step === "goal" && !f.name.trim()) out.push("nameRequired");
  if (step === "audience") {
    if (f.audienceMode === "segment" && !f.segmentId) out.push("segmentRequired");
    if (f.audienceMode === "list" && !f.listId) out.push("listRequired");
  }
  if (step === "channel") {
    if (f.variants.some((v) => !v.materialId)) out.push("materialRequired");
    if (shareTotal(f.variants) !== 100) out.push("sharesTotal");
  }
  if (step === "schedule" && f.deadlineAt.getTime() <= f.startAt.getTime()) out.push("deadlineAfterStart");
  return out;
}

export interface FunnelStage {
  key: "targets" | "sent" | "converted";
  count: number;
  /** of the stage before (targets: 1) */
  rate: number;
}

/** Targets → sent → converted, from the measurement's totals. */
export function funnel(m: CampaignMeasurement): FunnelStage[] {
  const { targets, sent, converted } = m.total;
  return [
    { key: "targets", count: targets, rate: 1 },
    { key: "sent", count: sent, rate: targets ? sent / targets : 0 },
    { key: "converted", count: converted, rate: sent ? converted / sent : 0 },
  ];
}

/** 0.1234 → "12.3%" */
export function percent(x: number | null | undefined, digits = 1): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  return `${(x * 100).toFixed(digits)}%`;
}

/** A rate difference in percentage points, signed: 0.023 → "+2.3 pp". */
export function points(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return "—";
  const v = x * 100;
  return `${v > 0 ? "+" : v < 0 ? "−" : "±"}${Math.abs(v).toFixed(1)} pp`;
}

/** "+2.3 pp [−0.4 pp, +5.0 pp]" and whether the interval excludes zero. */
export function formatComparison(c: Comparison): { difference: string; interval: string; significant: boolean } {
  const [lo, hi] = c.ci95;
  const known = lo !== null && hi !== null && !Number.isNaN(lo) && !Number.isNaN(hi);
  return {
    difference: points(c.difference),
    interval: known ? `[${points(lo)}, ${points(hi)}]` : "—",
    significant: known && (lo! > 0 || hi! < 0),
  };
}

export type CampaignActionKey = "launch" | "pause" | "resume" | "remind" | "cancel" | "copy";

/** The actions a campaign in this status offers. */
export function actionsFor(status: CampaignStatus): CampaignActionKey[] {
  switch (status) {
    case "draft":
      return ["launch", "cancel", "copy"];
    case "running":
      return ["remind", "pause", "cancel", "copy"];
    case "paused":
      return ["resume", "cancel", "copy"];
    default:
      return ["copy"];
  }
}

/** Polled while work can still move. */
export const isLive = (status: CampaignStatus) => status === "running" || status === "paused";

/** Share of treated targets that are done (sent, converted, skipped or failed). */
export function progressOf(d: Pick<CampaignDetail, "targets">): number {
  const t = d.targets;
  const treated = t.total - t.control;
  return treated ? (treated - t.pending) / treated : 0;
}

/**
 * Whether the user may act on a campaign, as the server decides (CampaignsService.manageable):
 * HQ always; a store manager only when the campaign is scoped inside their stores (its stores are
 * theirs and its staff belong to them; `myStaffIds` is the staff list the server shows them).
 */
export function canManage(
  scope: CampaignScope,
  user: { role: UserRole; storeIds?: number[] } | null,
  myStaffIds: number[],
): boolean {
  if (!user) return false;
  if (user.role === "hq_admin" || user.role === "hq_operator") return true;
  const stores = user.storeIds ?? [];
  if (!scope.storeIds?.length && !scope.staffIds?.length) return false; // the whole corp
  if (scope.storeIds?.some((id) => !stores.includes(id))) return false;
  return !scope.staffIds?.length || scope.staffIds.every((id) => myStaffIds.includes(id));
}
