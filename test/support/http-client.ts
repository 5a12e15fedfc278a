/** A tiny fetch wrapper that keeps cookies like a browser, for API tests through real HTTP. */
export class HttpClient {
  private readonly cookies = new Map<string, string>();

  constructor(readonly baseUrl: string) {}

  async request(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<HttpResult> {
    const h: Record<string, string> = { ...headers };
    if (body !== undefined && !h["content-type"]) h["content-type"] = "application/json";
    if (this.cookies.size) h.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    // like the front ends: echo the session's CSRF token on changes (unless the test sets the header)
    const csrf = this.csrfToken(path);
    if (UNSAFE.has(method.toUpperCase()) && csrf && !Object.keys(h).some((k) => k.toLowerCase() === "x-csrf-token"))
      h["x-csrf-token"] = csrf;
    const res = await fetch(this.baseUrl + path, {
      method,
      headers: h,
      body:
        body === undefined
          ? undefined
          : typeof body === "string"
            ? body
            : body instanceof Uint8Array
              ? new Blob([new Uint8Array(body)])
              : JSON.stringify(body),
      redirect: "manual",
    });
    for (const line of res.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const eq = pair!.indexOf("=");
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === "" || /max-age=0|expires=thu, 01 jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: callers read .text */
    }
    return { status: res.status, headers: res.headers, text, body: json, setCookies: res.headers.getSetCookie() };
  }

  get = (path: string, headers?: Record<string, string>) => this.request("GET", path, undefined, headers);
  post = (path: string, body?: unknown, headers?: Record<string, string>) =>
    this.request("POST", path, body ?? {}, headers);
  hasCookie = (name: string) => this.cookies.has(name);
  cookie = (name: string) => this.cookies.get(name);

  /** The sidebar's token on sidebar routes, the admin center's elsewhere (either when only one exists). */
  private csrfToken(path: string): string | undefined {
    const admin = this.cookies.get("siyu_csrf");
    const sidebar = this.cookies.get("siyu_sidebar_csrf");
    return path.startsWith("/api/v1/sidebar/") ? (sidebar ?? admin) : (admin ?? sidebar);
  }
}

const UNSAFE = new Set(["POST", "PUT", "PATCH", "DELETE"]);

export interface HttpResult {
  status: number;
  headers: Headers;
  text: string;
  body: any;
  setCookies: string[];
}
