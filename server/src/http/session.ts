import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "./app-context.ts";

/**
 * Stateless signed-cookie sessions (any instance can read them; nothing is stored server-side).
 * The cookie holds `base64url(json).hmac`; it carries ids and an expiry, never a secret.
 */
export interface SessionPayload {
  sub: number;
  exp: number;
  /** admin sessions: a fingerprint of the password hash, so a password change ends other sessions */
  pv?: string;
}

export const ADMIN_COOKIE = "siyu_admin";
export const SIDEBAR_COOKIE = "siyu_sidebar";
export const OAUTH_COOKIE = "siyu_oauth";

/**
 * CSRF: each session cookie has a companion cookie that pages may read (not httpOnly) and must echo
 * in the X-CSRF-Token header of every state-changing request (see csrf.ts). Its value is a hash of
 * the session cookie, which carries an HMAC under the session secret: another site can neither read
 * nor compute it, and it changes with every new session.
 */
export const CSRF_HEADER = "x-csrf-token";
export const CSRF_COOKIES: Readonly<Record<string, string>> = {
  [ADMIN_COOKIE]: "siyu_csrf",
  [SIDEBAR_COOKIE]: "siyu_sidebar_csrf",
};

export function csrfTokenFor(sessionCookie: string): string {
  return createHash("sha256").update(`siyu-csrf\0${sessionCookie}`).digest("base64url");
}

export class SessionCodec {
  constructor(private readonly secret: string) {}

  /** Signs any small JSON value that carries an expiry (sessions, the OAuth state). */
  seal<T extends { exp: number }>(payload: T): string {
    const body = Buffer.from(JSON.stringify(payload)).toString("base64url");
    return `${body}.${this.sign(body)}`;
  }

  open<T extends { exp: number }>(token: string | undefined, nowMs: number): T | null {
    if (!token) return null;
    const [body, mac] = token.split(".");
    if (!body || !mac) return null;
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(mac);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return null;
    try {
      const payload = JSON.parse(Buffer.from(body, "base64url").toString()) as T;
      return typeof payload.exp === "number" && payload.exp >= nowMs ? payload : null;
    } catch {
      return null;
    }
  }

  encode(payload: SessionPayload): string {
    return this.seal(payload);
  }

  decode(token: string | undefined, nowMs: number): SessionPayload | null {
    const payload = this.open<SessionPayload>(token, nowMs);
    return payload && typeof payload.sub === "number" ? payload : null;
  }

  private sign(body: string): string {
    return createHmac("sha256", this.secret).update(body).digest("base64url");
  }
}

/** Sets a session cookie (httpOnly, SameSite=Lax, Secure behind TLS) and its CSRF companion, if any. */
export function setSessionCookie(ctx: AppContext, name: string, value: string, maxAgeMs: number): void {
  ctx.cookies.set(name, value, {
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.secure,
    maxAge: maxAgeMs,
    path: "/",
    overwrite: true,
  });
  setCsrfCookie(ctx, name, value, maxAgeMs);
}

/** The readable companion cookie holding the CSRF token of session cookie `name` = `value`. */
export function setCsrfCookie(ctx: AppContext, name: string, value: string, maxAgeMs: number): void {
  const csrf = CSRF_COOKIES[name];
  if (!csrf) return;
  ctx.cookies.set(csrf, csrfTokenFor(value), {
    httpOnly: false,
    sameSite: "lax",
    secure: ctx.secure,
    maxAge: maxAgeMs,
    path: "/",
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: AppContext, name: string): void {
  for (const cookie of [name, CSRF_COOKIES[name]]) {
    if (!cookie) continue;
    ctx.cookies.set(cookie, "", {
      httpOnly: cookie === name,
      sameSite: "lax",
      secure: ctx.secure,
      maxAge: 0,
      path: "/",
      overwrite: true,
    });
  }
}
