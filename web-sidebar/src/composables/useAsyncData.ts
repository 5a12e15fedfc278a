import { getCurrentScope, onScopeDispose, shallowRef, type ShallowRef } from "vue";

export interface AsyncData<T> {
  data: ShallowRef<T | null>;
  loading: ShallowRef<boolean>;
  error: ShallowRef<unknown>;
  /** Load (or reload); a newer call aborts the one in flight. */
  run: () => Promise<void>;
}

/**
 * Loading/error/data for one fetch function. Keeps the last good data while reloading,
 * aborts the request when its component (or effect scope) goes away, and never lets a stale answer win.
 */
export function useAsyncData<T>(fetcher: (signal: AbortSignal) => Promise<T>, options: { immediate?: boolean } = {}) {
  const data = shallowRef<T | null>(null);
  const loading = shallowRef(false);
  const error = shallowRef<unknown>(null);
  let controller: AbortController | null = null;

  async function run(): Promise<void> {
    controller?.abort();
    const current = new AbortController();
    controller = current;
    loading.value = true;
    error.value = null;
    try {
      const result = await fetcher(current.signal);
      if (controller === current) data.value = result;
    } catch (err) {
      if (controller === current && !current.signal.aborted) error.value = err;
    } finally {
      if (controller === current) loading.value = false;
    }
  }

  if (getCurrentScope()) onScopeDispose(() => controller?.abort());
  if (options.immediate !== false) void run();

  const result: AsyncData<T> = { data, loading, error, run };
  return result;
}
