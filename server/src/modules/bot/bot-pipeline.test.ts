import { describe, expect, it } from "vitest";
import { createLogger } from "../../platform/logger.ts";
import type { BotEvent } from "./bot-events.ts";
import { BotPipeline, type EventSink } from "./bot-pipeline.ts";

const event = (i: number): BotEvent => ({
  kind: "message",
  messageId: `m${i}`,
  room: { id: "r1" },
  talkerId: "a",
  talkerName: null,
  at: new Date(0),
});
const ids = (batch: BotEvent[]) => batch.map((e) => (e.kind === "message" ? e.messageId : e.kind));

/** A sink that records batches and fails when told to. */
function sink() {
  const batches: string[][] = [];
  let failures = 0;
  const s: EventSink & { batches: string[][]; failNext(n: number): void } = {
    batches,
    failNext: (n) => {
      failures = n;
    },
    write: async (events) => {
      if (failures > 0) {
        failures--;
        throw new Error("database away");
      }
      batches.push(ids(events));
      return { counted: events.length, duplicates: 0 };
    },
  };
  return s;
}

const log = createLogger("silent");

describe("bot pipeline", () => {
  it("writes full batches as they fill and the rest on drain, in order", async () => {
    const out = sink();
    const p = new BotPipeline(out, log, { batchSize: 2, flushIntervalMs: 60_000, highWater: 100 });
    for (let i = 1; i <= 5; i++) await p.accept(event(i));
    await p.flush(false);
    expect(out.batches).toEqual([
      ["m1", "m2"],
      ["m3", "m4"],
    ]);
    expect(p.snapshot().buffered).toBe(1);
    await p.drain();
    expect(out.batches.at(-1)).toEqual(["m5"]);
    expect(p.snapshot()).toMatchObject({ received: 5, counted: 5, buffered: 0, failedWrites: 0 });
  });

  it("keeps the events of a failed write and writes them on the next try", async () => {
    const out = sink();
    const p = new BotPipeline(out, log, { batchSize: 10, flushIntervalMs: 60_000, highWater: 100 });
    for (let i = 1; i <= 3; i++) await p.accept(event(i));
    out.failNext(1);
    await expect(p.drain()).rejects.toThrow(/database away/);
    expect(p.snapshot()).toMatchObject({ buffered: 3, failedWrites: 1, lastError: "database away" });
    await p.accept(event(4));
    await p.drain();
    expect(out.batches).toEqual([["m1", "m2", "m3", "m4"]]);
  });

  it("makes accept() wait for a write when the buffer reaches the high-water mark", async () => {
    const out = sink();
    const p = new BotPipeline(out, log, { batchSize: 1000, flushIntervalMs: 60_000, highWater: 3 });
    await p.accept(event(1));
    await p.accept(event(2));
    expect(out.batches).toEqual([]);
    await p.accept(event(3)); // reaches the mark: returns once the buffer is written
    expect(out.batches).toEqual([["m1", "m2", "m3"]]);
    expect(p.snapshot().buffered).toBe(0);
  });
});
