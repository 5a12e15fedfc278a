import { ApiError } from "@/api/http";

type Translate = (key: "errors.network" | "errors.unknown") => string;

/** A message fit for the UI: the server's own message, or a translated fallback. */
export function errorMessage(error: unknown, t: Translate): string {
  if (error instanceof ApiError) {
    if (error.status === 0) return t("errors.network");
    return error.message || t("errors.unknown");
  }
  return t("errors.unknown");
}
