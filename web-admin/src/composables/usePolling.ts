import { getCurrentScope, onScopeDispose, shallowRef } from "vue";

export interface PollingOptions<T> {
  intervalMs: number;
  /** Polling stops once this holds for the latest value. */
  isDone: (value: T) => boolean;
  /** Called once with the final value. */
  onDone?: (value: T) => void;
}

/**
 * Follows something that finishes later (an import job): `start(first)` shows the first value and
 * asks again every `intervalMs` until it is done. A failed call is reported in `error` and retried
 * on the next tick; the timer and the request in flight stop with the component.
 */
export function usePolling<T>(fetcher: (current: T, signal: AbortSignal) => Promise<T>, options: PollingOptions<T>) {
  const value = shallowRef<T | null>(null);
  const error = shallowRef<unknown>(null);
  let timer: ReturnType<typeof setTimeout> | undefined;
  let controller: AbortController | null = null;

  function stop(): void {
    clearTimeout(timer);
    timer = undefined;
    controller?.abort();
    controller = null;
  }

  function settle(next: T): void {
    value.value = next;
    if (options.isDone(next)) options.onDone?.(next);
    else timer = setTimeout(() => void tick(next), options.intervalMs);
  }

  async function tick(current: T): Promise<void> {
    const mine = new AbortController();
    controller = mine;
    try {
      const next = await fetcher(current, mine.signal);
      if (controller !== mine) return;
      error.value = null;
      settle(next);
    } catch (err) {
      if (controller !== mine || mine.signal.aborted) return;
      error.value = err;
      timer = setTimeout(() => void tick(current), options.intervalMs);
    }
  }

  function start(first: T): void {
    stop();
    error.value = null;
    settle(first);
  }

  if (getCurrentScope()) onScopeDispose(stop);
  return { value, error, start, stop };
}
