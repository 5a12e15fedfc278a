/** A WeCom answer with errcode != 0 (or a transport failure after retries), with the API named. */
export class WecomError extends Error {
  constructor(
    readonly api: string,
    readonly errcode: number,
    readonly errmsg: string,
  ) {
    super(`WeCom ${api} failed: ${errcode} ${errmsg}`);
    this.name = "WecomError";
  }
}

/** errcodes meaning "the token is bad: get a new one and retry once" (wecom.md §1). */
export const TOKEN_ERRCODES = new Set([40014, 42001, 41001]);
/** rate limits: back off with jitter (§0). */
export const RATE_LIMIT_ERRCODES = new Set([45009, 45033]);
/** system busy: retry at most 3 times. */
export const BUSY_ERRCODE = -1;
/** transport-level pseudo errcodes used when no WeCom answer was received. */
export const HTTP_FAILURE = -2;
export const TIMEOUT = -3;
