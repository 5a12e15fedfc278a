import { http } from "./http";
import type { Paged } from "./types";
import type { Rule, SegmentPreview } from "./segments";

export const CHANNELS = ["private_chat", "mass_send", "group_post", "moments"] as const;
export type CampaignChannel = (typeof CHANNELS)[number];
export const ASSIGNMENT_RULES = ["first_added", "last_added", "last_contacted"] as const;
export type AssignmentRule = (typeof ASSIGNMENT_RULES)[number];
export const CAMPAIGN_STATUSES = ["draft", "running", "paused", "cancelled", "finished"] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];
export type TargetStatus = "pending" | "sent" | "skipped" | "failed" | "converted" | "control";

export interface MaterialVariant {
  variant: string;
  materialId: number;
  share: number;
}
export interface CampaignScope {
  storeIds?: number[];
  staffIds?: number[];
}
/** A saved segment, an inline rule, or (when the server offers it) an uploaded list. */
export type CampaignAudience = { segmentId: number } | { rule: Rule } | { listId: number };

// server/src/modules/campaigns/campaigns.schemas.ts campaignInputSchema
export interface CampaignInput {
  name: string;
  goal?: string;
  audience: CampaignAudience;
  channel: CampaignChannel;
  materials: MaterialVariant[];
  scope: CampaignScope;
  startAt: string;
  deadlineAt: string;
  reminders: number[];
  conversionWindowDays: number;
  holdoutPercent: number;
  assignmentRule: AssignmentRule;
}

export interface LaunchReport {
  launchedAt: string;
  launchedBy: number | null;
  audience: number;
  excluded: { deleted_all_staff: number; do_not_disturb: number; frequency_cap: number; mass_send_same_day: number };
  unassignable: number;
  control: number;
  targets: number;
  tasks: number;
  variants: Record<string, number>;
  groups?: { members: number };
  notifications?: { sent: number; failed: { key: string; error: string }[] };
  massSends?: {
    created: number;
    failed: { taskId: number; error: string }[];
    failedRecipients: number;
    /** add_msg_template timed out: checked against WeCom's list later, then adopted or created again */
    unconfirmed?: number;
  };
}

export interface CampaignView extends Omit<CampaignInput, "goal"> {
  id: number;
  goal: string | null;
  status: CampaignStatus;
  seed: number;
  launchReport: LaunchReport | null;
  createdBy: number | null;
  launchedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export type TargetCounts = Record<TargetStatus, number> & { total: number };
export interface CampaignDetail extends CampaignView {
  tasks: { total: number; open: number; done: number; overdue: number };
  targets: TargetCounts;
}

export interface Rates {
  targets: number;
  sent: number;
  sendRate: number;
  converted: number;
  conversionRate: number;
  revenueCents: number;
}
export interface ComparisonSide {
  label: string;
  n: number;
  buyers: number;
  rate: number;
}
export interface Comparison {
  a: ComparisonSide;
  b: ComparisonSide;
  difference: number;
  /** null bounds when a side is empty (the server's NaN) */
  ci95: [number | null, number | null];
}
export interface CampaignMeasurement {
  campaignId: number;
  period: { from: string; to: string };
  total: Rates;
  byStore: (Rates & { storeId: number; storeName: string })[];
  byStaff: (Rates & { staffId: number; userid: string; name: string })[];
  uplift: Comparison | null;
  variants: Comparison[];
}

export interface CampaignTask {
  id: number;
  staff: { id: number; userid: string; name: string };
  status: string;
  dueAt: string;
  notifiedAt: string | null;
  targets: number;
  pending: number;
  sent: number;
  skipped: number;
  failed: number;
  converted: number;
  sendRate: number;
}

const base = "/api/v1/campaigns";
export const listCampaigns = (
  query: { status?: CampaignStatus; page?: number; pageSize?: number },
  signal?: AbortSignal,
) => http.get<Paged<CampaignView>>(base, { query: { ...query }, signal });
export const getCampaign = (id: number, signal?: AbortSignal) => http.get<CampaignDetail>(`${base}/${id}`, { signal });
export const createCampaign = (input: CampaignInput) => http.post<CampaignView>(base, input);
export const updateCampaign = (id: number, input: CampaignInput) => http.put<CampaignView>(`${base}/${id}`, input);
export const getMeasurement = (id: number, signal?: AbortSignal) =>
  http.get<CampaignMeasurement>(`${base}/${id}/measurement`, { signal });
export const listCampaignTasks = (id: number, signal?: AbortSignal) =>
  http.get<Paged<CampaignTask>>(`${base}/${id}/tasks`, { query: { page: 1, pageSize: 200 }, signal });
export const launchCampaign = (id: number) => http.post<LaunchReport>(`${base}/${id}/launch`, {});
export type CampaignAction = "pause" | "resume" | "cancel";
export const changeCampaign = (id: number, action: CampaignAction) =>
  http.post<CampaignView>(`${base}/${id}/${action}`, {});
/** Nudges every staff member with pending targets now (deduplicated for ten minutes by the server). */
export const remindCampaign = (id: number) =>
  http.post<{ reminded: number; tasks: number }>(`${base}/${id}/remind`, {});
export const copyCampaign = (id: number) => http.post<CampaignView>(`${base}/${id}/copy`, {});

/** An uploaded customer list (server/src/modules/audience-lists), usable as a campaign audience. */
export interface AudienceList {
  id: number;
  name: string;
  filename: string | null;
  rows: number;
  matched: number;
  duplicates: number;
  unmatched: number;
  createdAt: string;
}
export interface AudienceListUpload extends AudienceList {
  unmatchedRows: { line: number; value: string; reason: string }[];
}
export async function listAudienceLists(signal?: AbortSignal): Promise<AudienceList[]> {
  return (await http.get<{ items: AudienceList[] }>("/api/v1/audience-lists", { signal })).items;
}
export const previewAudienceList = (id: number, signal?: AbortSignal) =>
  http.get<SegmentPreview>(`/api/v1/audience-lists/${id}/preview`, { signal });
/** HQ: a CSV with external_userid, mobile and/or unionid columns, sent as the raw body. */
export const uploadAudienceList = (name: string, file: File) =>
  http.upload<AudienceListUpload>("/api/v1/audience-lists", file, "text/csv", {
    query: { name, filename: file.name },
  });
