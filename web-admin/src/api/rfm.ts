import { http } from "./http";

export interface RfmSettings {
  method: "quantile" | "threshold";
  windowDays: number;
  recency: number[];
  frequency: number[];
  monetary: number[];
  newDays: number;
  activeDays: number;
  churnDays: number;
  groupActiveDays: number;
  groupSilentDays: number;
  schedule: string;
}

export interface RfmComputation {
  id: number;
  asOf: string;
  status: "running" | "done" | "failed";
  triggeredBy: string;
  customersScored: number;
  customersTotal: number;
  error: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export interface TransitionCell {
  from: string | null;
  to: string | null;
  count: number;
}

export interface TransitionMatrix {
  from: RfmComputation;
  to: RfmComputation;
  segments: string[];
  matrix: TransitionCell[];
  lifecycle: { stages: string[]; matrix: TransitionCell[] };
}

export const getRfmSettings = () => http.get<{ settings: RfmSettings }>("/api/v1/rfm/settings");
export const saveRfmSettings = (settings: Partial<RfmSettings>) =>
  http.put<{ settings: RfmSettings }>("/api/v1/rfm/settings", settings);
export const startRecompute = () => http.post<{ started: boolean; reason?: string }>("/api/v1/rfm/recompute", {});
export const getLatestComputation = (signal?: AbortSignal) =>
  http.get<{ computation: RfmComputation | null }>("/api/v1/rfm/computations/latest", { signal });
export const listComputations = (signal?: AbortSignal) =>
  http.get<{ items: RfmComputation[]; total: number }>("/api/v1/rfm/computations", {
    query: { page: 1, pageSize: 50 },
    signal,
  });
export const getTransitions = (from: number, to: number) =>
  http.get<TransitionMatrix>("/api/v1/rfm/transitions", { query: { from, to } });

/** What a settings change would move (POST /rfm/settings/preview; nothing is saved). */
export interface RfmPreview {
  asOf: string;
  settings: RfmSettings;
  current: { segments: Record<string, number>; lifecycle: Record<string, number> };
  candidate: { segments: Record<string, number>; lifecycle: Record<string, number> };
  changed: { segment: number; lifecycle: number; customers: number };
  segmentMatrix: TransitionCell[];
  lifecycleMatrix: TransitionCell[];
}

export const previewRfmSettings = (settings: Partial<RfmSettings>) =>
  http.post<RfmPreview>("/api/v1/rfm/settings/preview", settings);
