import { describe, expect, it } from "vitest";
import { effectScope } from "vue";
import { useAsyncData } from "./useAsyncData";

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe("useAsyncData", () => {
  it("tracks loading, data and error", async () => {
    let fail = true;
    const state = useAsyncData(
      async () => {
        if (fail) throw new Error("nope");
        return 42;
      },
      { immediate: false },
    );
    await state.run();
    expect(state.error.value).toBeInstanceOf(Error);
    fail = false;
    await state.run();
    expect(state.data.value).toBe(42);
    expect(state.error.value).toBeNull();
    expect(state.loading.value).toBe(false);
  });

  it("lets only the latest call win", async () => {
    const first = deferred<string>();
    const second = deferred<string>();
    const calls = [first, second];
    const state = useAsyncData(() => calls.shift()!.promise, { immediate: false });
    const a = state.run();
    const b = state.run();
    second.resolve("new");
    first.resolve("old");
    await Promise.all([a, b]);
    expect(state.data.value).toBe("new");
  });

  it("aborts the request when its scope is disposed", () => {
    let signal: AbortSignal | undefined;
    const scope = effectScope();
    scope.run(() => useAsyncData((s) => ((signal = s), new Promise<never>(() => {}))));
    scope.stop();
    expect(signal?.aborted).toBe(true);
  });
});
