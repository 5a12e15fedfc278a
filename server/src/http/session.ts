import { createHmac, timingSafeEqual } from "node:crypto";
import type { AppContext } from "./app-context.ts";

/**
 * Stateless signed-cookie sessions (any instance can read them; nothing is stored server-side).
 * The cookie holds `base64url(json).hmac`; it carries ids and an expiry, never a secret.
 */
export interface SessionPayload {
  sub: number;
  exp: number;
}

export const ADMIN_COOKIE = "siyu_admin";
export const SIDEBAR_COOKIE = "siyu_sidebar";
export const OAUTH_COOKIE = "siyu_oauth";

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

export function setSessionCookie(ctx: AppContext, name: string, value: string, maxAgeMs: number): void {
  ctx.cookies.set(name, value, {
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.secure,
    maxAge: maxAgeMs,
    path: "/",
    overwrite: true,
  });
}

export function clearSessionCookie(ctx: AppContext, name: string): void {
  ctx.cookies.set(name, "", {
    httpOnly: true,
    sameSite: "lax",
    secure: ctx.secure,
    maxAge: 0,
    path: "/",
    overwrite: true,
  });
}
