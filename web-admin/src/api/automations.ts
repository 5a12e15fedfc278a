import { http } from "./http";
import type { Paged, SegmentKey } from "./types";
import type { CampaignInput, LaunchReport } from "./campaigns";

export const AUTOMATION_KINDS = ["segment_schedule", "rfm_downgrade", "after_added"] as const;
export type AutomationKind = (typeof AUTOMATION_KINDS)[number];

/** The campaign an automation launches: campaign fields minus name, audience and dates, plus the deadline in hours. */
export type CampaignTemplate = Omit<CampaignInput, "name" | "audience" | "startAt" | "deadlineAt"> & {
  deadlineHours: number;
};

export type AutomationConfig =
  | { segmentId: number; schedule: string }
  | { anyDowngrade: true }
  | { pairs: { from: SegmentKey; to: SegmentKey }[] }
  | { days: number };

export interface AutomationRun {
  id: number;
  status: "running" | "done" | "failed";
  startedAt: string;
  finishedAt: string | null;
  customers: number;
  campaignId: number | null;
  summary: Pick<LaunchReport, "audience" | "excluded" | "unassignable" | "control" | "targets" | "tasks"> | null;
  error: string | null;
  repeats: number;
}

export interface AutomationView {
  id: number;
  name: string;
  kind: AutomationKind;
  enabled: boolean;
  template: CampaignTemplate;
  config: AutomationConfig;
  activeSince: string;
  nextRunAt: string | null;
  checkedAt: string | null;
  customers: number;
  lastRuns: AutomationRun[];
  createdBy: number | null;
  createdAt: string;
  updatedAt: string;
}

export interface AutomationInput {
  name: string;
  kind: AutomationKind;
  enabled: boolean;
  config: AutomationConfig;
  template: CampaignTemplate;
}

const base = "/api/v1/automations";
export const listAutomations = (signal?: AbortSignal) =>
  http.get<Paged<AutomationView>>(base, { query: { page: 1, pageSize: 100 }, signal });
export const createAutomation = (input: AutomationInput) => http.post<AutomationView>(base, input);
export const updateAutomation = (id: number, input: AutomationInput) =>
  http.put<AutomationView>(`${base}/${id}`, input);
export const setAutomationEnabled = (id: number, enabled: boolean) =>
  http.post<AutomationView>(`${base}/${id}/${enabled ? "enable" : "disable"}`, {});
export const listAutomationRuns = (id: number, signal?: AbortSignal) =>
  http.get<Paged<AutomationRun>>(`${base}/${id}/runs`, { query: { page: 1, pageSize: 50 }, signal });
