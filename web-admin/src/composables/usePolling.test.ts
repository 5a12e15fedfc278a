import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { effectScope } from "vue";
import { usePolling } from "./usePolling";

interface Job {
  id: number;
  done: boolean;
  n: number;
}

beforeEach(() => vi.useFakeTimers());
afterEach(() => vi.useRealTimers());

describe("usePolling", () => {
  it("asks every interval until done, then reports the end once", async () => {
    const answers: Job[] = [
      { id: 1, done: false, n: 5 },
      { id: 1, done: true, n: 10 },
    ];
    const fetcher = vi.fn(async () => answers.shift()!);
    const onDone = vi.fn();
    const poll = usePolling<Job>(fetcher, { intervalMs: 1000, isDone: (j) => j.done, onDone });
    poll.start({ id: 1, done: false, n: 0 });
    expect(poll.value.value?.n).toBe(0);
    expect(fetcher).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll.value.value?.n).toBe(5);
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll.value.value).toEqual({ id: 1, done: true, n: 10 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(fetcher).toHaveBeenCalledTimes(2);
    expect(onDone).toHaveBeenCalledTimes(1);
  });

  it("keeps trying after a failed call and clears the error on success", async () => {
    const fetcher = vi
      .fn<(j: Job) => Promise<Job>>()
      .mockRejectedValueOnce(new Error("offline"))
      .mockResolvedValueOnce({ id: 1, done: true, n: 3 });
    const poll = usePolling<Job>(fetcher, { intervalMs: 1000, isDone: (j) => j.done });
    poll.start({ id: 1, done: false, n: 0 });
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll.error.value).toBeInstanceOf(Error);
    await vi.advanceTimersByTimeAsync(1000);
    expect(poll.error.value).toBeNull();
    expect(poll.value.value?.n).toBe(3);
  });

  it("does not poll a value that is already done, and stops with its scope", async () => {
    const fetcher = vi.fn(async (j: Job) => j);
    const scope = effectScope();
    const poll = scope.run(() => usePolling<Job>(fetcher, { intervalMs: 1000, isDone: (j) => j.done }))!;
    poll.start({ id: 2, done: true, n: 1 });
    await vi.advanceTimersByTimeAsync(3000);
    expect(fetcher).not.toHaveBeenCalled();
    poll.start({ id: 3, done: false, n: 0 });
    scope.stop();
    await vi.advanceTimersByTimeAsync(3000);
    expect(fetcher).not.toHaveBeenCalled();
  });
});
