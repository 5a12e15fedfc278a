// The one HTTP client of the admin console: JSON over fetch, same-origin cookies,
// and every failure turned into a typed ApiError.

export interface ApiErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: Record<string, unknown>;

  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type QueryValue = string | number | boolean | null | undefined;

export interface RequestOptions {
  method?: HttpMethod;
  body?: unknown;
  query?: Record<string, QueryValue>;
  signal?: AbortSignal;
  /** Content type of a Blob/File body, which is sent as it is (uploads); other bodies go as JSON. */
  contentType?: string;
}

type UnauthorizedHandler = (error: ApiError) => void;
let onUnauthorized: UnauthorizedHandler | null = null;

/** Called once per 401 answer; the app uses it to drop an expired session. */
export function setUnauthorizedHandler(handler: UnauthorizedHandler | null): void {
  onUnauthorized = handler;
}

/** The cookie holding this session's CSRF token (set by the server next to the httpOnly session cookie). */
export const CSRF_COOKIE = "siyu_csrf";
const UNSAFE_METHODS: HttpMethod[] = ["POST", "PUT", "PATCH", "DELETE"];

/** Reads the CSRF token the server handed out; changes must echo it in X-CSRF-Token. */
export function csrfToken(cookies: string = typeof document === "undefined" ? "" : document.cookie): string | null {
  for (const part of cookies.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === CSRF_COOKIE) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return typeof error === "object" && error !== null && typeof (error as { code?: unknown }).code === "string";
}

function buildUrl(path: string, query?: Record<string, QueryValue>): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) params.append(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}${path.includes("?") ? "&" : "?"}${qs}` : path;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const { method = "GET", body, query, signal, contentType } = options;
  const headers: Record<string, string> = { Accept: "application/json" };
  const csrf = UNSAFE_METHODS.includes(method) ? csrfToken() : null;
  if (csrf) headers["X-CSRF-Token"] = csrf;
  const raw = body instanceof Blob;
  if (raw) headers["Content-Type"] = contentType ?? (body.type || "application/octet-stream");
  else if (body !== undefined) headers["Content-Type"] = "application/json";

  let response: Response;
  try {
    response = await fetch(buildUrl(path, query), {
      method,
      headers,
      credentials: "same-origin",
      body: raw ? body : body === undefined ? undefined : JSON.stringify(body),
      signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === "AbortError") throw cause;
    throw new ApiError(0, "network_error", cause instanceof Error ? cause.message : String(cause));
  }

  const payload = await readJson(response);
  if (response.ok) return payload as T;

  const error = isErrorBody(payload)
    ? new ApiError(response.status, payload.error.code, payload.error.message, payload.error.details ?? {})
    : new ApiError(response.status, `http_${response.status}`, response.statusText || `HTTP ${response.status}`);
  if (error.status === 401) onUnauthorized?.(error);
  throw error;
}

export const http = {
  get: <T>(path: string, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "GET" }),
  post: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "POST", body }),
  put: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "PUT", body }),
  patch: <T>(path: string, body?: unknown, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "PATCH", body }),
  /** The file itself as the request body (no multipart), e.g. a CSV as text/csv. */
  upload: <T>(path: string, file: Blob, contentType: string, options?: Omit<RequestOptions, "body" | "contentType">) =>
    request<T>(path, { method: "POST", ...options, body: file, contentType }),
  delete: <T>(path: string, options?: Omit<RequestOptions, "method" | "body">) =>
    request<T>(path, { ...options, method: "DELETE" }),
};
