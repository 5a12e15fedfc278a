import { http } from "./http";
import type { ImportJob, ImportKind, Paged } from "./types";

type JobAnswer = { job: ImportJob } | ImportJob;

/** `{ job }` or the bare job: both shapes are accepted. */
export function unwrapJob(answer: JobAnswer): ImportJob {
  return "job" in answer && typeof answer.job === "object" && answer.job !== null ? answer.job : (answer as ImportJob);
}

/** Sends the CSV itself as the body; 202 with the running job, 400 for a refused file. */
export async function uploadImport(kind: ImportKind, file: File): Promise<ImportJob> {
  const answer = await http.upload<JobAnswer>(`/api/v1/imports/${kind}`, file, "text/csv", {
    query: { filename: file.name },
  });
  return unwrapJob(answer);
}

export async function getImport(id: number, signal?: AbortSignal): Promise<ImportJob> {
  return unwrapJob(await http.get<JobAnswer>(`/api/v1/imports/${id}`, { signal }));
}

export function listImports(page: number, pageSize: number, signal?: AbortSignal): Promise<Paged<ImportJob>> {
  return http.get<Paged<ImportJob>>("/api/v1/imports", { query: { page, pageSize }, signal });
}

/** The rejected rows as CSV, for a plain download link (the session cookie goes along). */
export function importErrorReportUrl(id: number): string {
  return `/api/v1/imports/${id}/errors.csv`;
}
