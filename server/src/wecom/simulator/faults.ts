/**
 * Failures a test can switch on: WeCom errcodes, HTTP 5xx from its gateway, slowness, expired
 * tokens and the "being dispatched" answer of the mass-send queries. Rules are consumed in the order
 * they were added; "*" matches every API.
 */
export interface FaultControl {
  /** every issued access token expires now: the next calls get 42001 */
  expireTokens(): void;
  /** the next `times` calls to `api` answer `errcode` (e.g. 45009, -1, 45033) */
  failNext(api: string, errcode: number, times?: number): void;
  /** the next `times` calls to `api` answer HTTP `status` with an HTML body */
  httpErrorNext(api: string, status: 500 | 502 | 503, times?: number): void;
  /** the next `times` calls to `api` wait `ms` (real time) before answering */
  slowNext(api: string, ms: number, times?: number): void;
  /**
   * the next `times` calls to `api` are carried out, then their answer waits `ms` (real time): a
   * caller that times out cannot tell whether WeCom did the work
   */
  slowAnswerNext(api: string, ms: number, times?: number): void;
  /**
   * For templates younger than `windowMs` (simulator clock) get_groupmsg_task and
   * get_groupmsg_send_result each answer 41063 once per msgid; 0 switches it off (the default).
   */
  dispatching(windowMs?: number): void;
  /** removes every rule above (already expired tokens stay expired) */
  clear(): void;
}

interface Rule<T> {
  api: string;
  left: number;
  value: T;
}

export interface FaultOutcome {
  delayMs: number;
  /** wait after the call was carried out, before answering */
  answerDelayMs: number;
  httpStatus?: number;
  errcode?: number;
}

export class Faults implements FaultControl {
  private errors: Rule<number>[] = [];
  private httpErrors: Rule<number>[] = [];
  private slows: Rule<number>[] = [];
  private slowAnswers: Rule<number>[] = [];
  private dispatchWindowMs = 0;
  private dispatchAnswered = new Set<string>();

  constructor(private readonly onExpireTokens: () => void) {}

  expireTokens(): void {
    this.onExpireTokens();
  }

  failNext(api: string, errcode: number, times = 1): void {
    this.errors.push({ api, left: times, value: errcode });
  }

  httpErrorNext(api: string, status: 500 | 502 | 503, times = 1): void {
    this.httpErrors.push({ api, left: times, value: status });
  }

  slowNext(api: string, ms: number, times = 1): void {
    this.slows.push({ api, left: times, value: ms });
  }

  slowAnswerNext(api: string, ms: number, times = 1): void {
    this.slowAnswers.push({ api, left: times, value: ms });
  }

  dispatching(windowMs = 2000): void {
    this.dispatchWindowMs = windowMs;
  }

  clear(): void {
    this.errors = [];
    this.httpErrors = [];
    this.slows = [];
    this.slowAnswers = [];
    this.dispatchWindowMs = 0;
    this.dispatchAnswered.clear();
  }

  /** Consumes what applies to this call. An HTTP error wins over an errcode; both may be delayed. */
  take(api: string): FaultOutcome {
    const delayMs = take(this.slows, api) ?? 0;
    const answerDelayMs = take(this.slowAnswers, api) ?? 0;
    const httpStatus = take(this.httpErrors, api);
    if (httpStatus !== undefined) return { delayMs, answerDelayMs, httpStatus };
    return { delayMs, answerDelayMs, errcode: take(this.errors, api) };
  }

  /** True when this query of a young template should answer 41063 (once per msgid and API). */
  stillDispatching(api: string, msgid: string, createdAtMs: number, nowMs: number): boolean {
    if (this.dispatchWindowMs <= 0 || nowMs - createdAtMs >= this.dispatchWindowMs) return false;
    const key = `${api}|${msgid}`;
    if (this.dispatchAnswered.has(key)) return false;
    this.dispatchAnswered.add(key);
    return true;
  }
}

function take(rules: Rule<number>[], api: string): number | undefined {
  const i = rules.findIndex((r) => r.api === "*" || r.api === api);
  if (i < 0) return undefined;
  const rule = rules[i]!;
  rule.left -= 1;
  if (rule.left <= 0) rules.splice(i, 1);
  return rule.value;
}
