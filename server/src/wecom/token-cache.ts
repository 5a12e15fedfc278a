import type { Clock } from "../platform/clock.ts";

/**
 * Caches one credential (access token or JS-SDK ticket) until shortly before it expires, and
 * makes concurrent callers share a single refresh ("single flight"), so a burst of requests
 * never turns into a burst of gettoken calls (which WeCom rate-intercepts).
 */
export class CachedCredential {
  private value: string | null = null;
  private expiresAt = 0;
  private inflight: Promise<string> | null = null;

  constructor(
    private readonly fetchFresh: () => Promise<{ value: string; expiresInS: number }>,
    private readonly clock: Clock,
    /** refresh this long before the stated expiry */
    private readonly marginMs = 5 * 60_000,
  ) {}

  async get(): Promise<string> {
    if (this.value && this.clock.now().getTime() < this.expiresAt) return this.value;
    return this.refresh();
  }

  /** Forget the cached value (WeCom said it is invalid) and fetch a new one, shared by all waiters. */
  refresh(): Promise<string> {
    this.value = null;
    this.inflight ??= this.fetchFresh()
      .then(({ value, expiresInS }) => {
        this.value = value;
        this.expiresAt = this.clock.now().getTime() + Math.max(expiresInS * 1000 - this.marginMs, 1000);
        return value;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  invalidate(stale: string): void {
    if (this.value === stale) this.value = null;
  }
}
