import { describe, expect, it } from "vitest";
import { businessDay, eventKey, type BotEvent } from "./bot-events.ts";

const room = { id: "wrRoom1@chatroom" };
const at = new Date("2026-05-31T16:30:00Z");

describe("bot events", () => {
  it("days are Asia/Shanghai calendar days", () => {
    expect(businessDay(new Date("2026-05-31T15:59:59.999Z"))).toBe("2026-05-31");
    expect(businessDay(new Date("2026-05-31T16:00:00Z"))).toBe("2026-06-01");
  });

  it("a message is remembered by its id, a join by room, time and members in any order", () => {
    const msg: BotEvent = { kind: "message", messageId: "m1", room, talkerId: "a", talkerName: null, at };
    expect(eventKey(msg)).toBe("m:m1");
    const join = (ids: string[]): BotEvent => ({ kind: "join", room, memberIds: ids, at });
    expect(eventKey(join(["b", "a"]))).toBe(eventKey(join(["a", "b"])));
    expect(eventKey(join(["a"]))).not.toBe(eventKey(join(["a", "b"])));
    expect(eventKey({ kind: "leave", room, memberIds: ["a"], at })).not.toBe(eventKey(join(["a"])));
    expect(eventKey({ kind: "topic", room: { ...room, topic: "t" }, at })).toBeNull();
  });

  it("long keys are hashed into the indexed column, still stable", () => {
    const many = Array.from({ length: 50 }, (_, i) => `member-${i}`);
    const key = eventKey({ kind: "join", room, memberIds: many, at })!;
    expect(key.length).toBeLessThanOrEqual(191);
    expect(key.startsWith("j#")).toBe(true);
    expect(eventKey({ kind: "join", room, memberIds: [...many].reverse(), at })).toBe(key);
  });
});
