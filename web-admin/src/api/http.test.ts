import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError, csrfToken, http, setUnauthorizedHandler } from "./http";

function mockFetch(status: number, body: unknown, statusText = "") {
  const text = body === undefined ? "" : typeof body === "string" ? body : JSON.stringify(body);
  const fn = vi.fn(async () => new Response(text || null, { status, statusText }));
  vi.stubGlobal("fetch", fn);
  return fn;
}

afterEach(() => {
  vi.unstubAllGlobals();
  setUnauthorizedHandler(null);
});

describe("http client", () => {
  it("sends JSON with same-origin credentials and returns the parsed body", async () => {
    const fetchMock = mockFetch(200, { ok: true });
    await expect(http.post("/api/v1/x", { a: 1 }, { query: { page: 2, q: undefined } })).resolves.toEqual({ ok: true });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/x?page=2");
    expect(init.credentials).toBe("same-origin");
    expect(init.method).toBe("POST");
    expect(init.body).toBe('{"a":1}');
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("application/json");
  });

  it("unwraps the server's error body into an ApiError", async () => {
    mockFetch(409, { error: { code: "conflict", message: "用户名已存在", details: { field: "username" } } });
    const error = await http.get("/api/v1/x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 409,
      code: "conflict",
      message: "用户名已存在",
      details: { field: "username" },
    });
  });

  it("falls back to the HTTP status when the body is not the error envelope", async () => {
    mockFetch(502, "<html>Bad gateway</html>", "Bad Gateway");
    await expect(http.get("/api/v1/x")).rejects.toMatchObject({
      status: 502,
      code: "http_502",
      message: "Bad Gateway",
    });
  });

  it("turns a network failure into status 0", async () => {
    vi.stubGlobal(
      "fetch",
      vi.fn(async () => Promise.reject(new TypeError("Failed to fetch"))),
    );
    await expect(http.get("/api/v1/x")).rejects.toMatchObject({ status: 0, code: "network_error" });
  });

  it("reports every 401 to the unauthorized handler", async () => {
    mockFetch(401, { error: { code: "unauthorized", message: "请先登录", details: {} } });
    const handler = vi.fn();
    setUnauthorizedHandler(handler);
    await expect(http.get("/api/v1/x")).rejects.toMatchObject({ status: 401 });
    expect(handler).toHaveBeenCalledTimes(1);
  });

  it("uploads a file as the raw body with its own content type", async () => {
    const fetchMock = mockFetch(202, { job: { id: 1 } });
    const file = new File(["a,b\n1,2\n"], "x.csv", { type: "application/vnd.ms-excel" });
    await expect(http.upload("/api/v1/up", file, "text/csv", { query: { filename: "x.csv" } })).resolves.toEqual({
      job: { id: 1 },
    });
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe("/api/v1/up?filename=x.csv");
    expect(init.method).toBe("POST");
    expect(init.body).toBe(file);
    expect((init.headers as Record<string, string>)["Content-Type"]).toBe("text/csv");
  });

  it("resolves an empty 204 body as undefined", async () => {
    mockFetch(204, undefined);
    await expect(http.post("/api/v1/auth/logout")).resolves.toBeUndefined();
  });
});

describe("CSRF token", () => {
  afterEach(() => {
    document.cookie = "siyu_csrf=; max-age=0; path=/";
  });

  it("reads the siyu_csrf cookie among others", () => {
    expect(csrfToken("a=1; siyu_csrf=tok%2Den; b=2")).toBe("tok-en");
    expect(csrfToken("siyu_csrfx=1; other=2")).toBeNull();
    expect(csrfToken("")).toBeNull();
  });

  it("echoes the token on changes only", async () => {
    document.cookie = "siyu_csrf=abc123; path=/";
    const fetchMock = mockFetch(200, { ok: true });
    await http.get("/api/v1/x");
    await http.post("/api/v1/x", {});
    await http.delete("/api/v1/x");
    const headers = fetchMock.mock.calls.map((c) => (c as unknown as [string, RequestInit])[1].headers);
    expect(headers.map((h) => (h as Record<string, string>)["X-CSRF-Token"])).toEqual([undefined, "abc123", "abc123"]);
  });
});
