import { createHash } from "node:crypto";
import { dayKey, localDay } from "../../demo/calendar.ts";

/**
 * What the Wechaty runner hands to the pipeline: ids, times and counts only. Message text never
 * gets this far (the runner does not read it).
 */
export interface RoomRef {
  /** the puppet's room id */
  id: string;
  /** known when the runner first meets the room or its topic changes */
  topic?: string;
  ownerId?: string | null;
}

export type BotEvent =
  | { kind: "message"; messageId: string; room: RoomRef; talkerId: string; talkerName: string | null; at: Date }
  | { kind: "join" | "leave"; room: RoomRef; memberIds: string[]; at: Date }
  | { kind: "topic"; room: RoomRef & { topic: string }; at: Date };

/** Longest key kept verbatim; longer ones are hashed (the column is an indexed varchar(191)). */
const MAX_KEY = 120;

/**
 * The id an event is remembered by. Messages: the puppet's message id. Joins and leaves carry no
 * id, so the room, the members and the puppet's timestamp stand for one: a redelivered event
 * has the same key.
 */
export function eventKey(e: BotEvent): string | null {
  if (e.kind === "topic") return null;
  const raw =
    e.kind === "message"
      ? `m:${e.messageId}`
      : `${e.kind === "join" ? "j" : "l"}:${e.room.id}:${e.at.getTime()}:${[...e.memberIds].sort().join(",")}`;
  return raw.length <= MAX_KEY ? raw : `${raw[0]}#${createHash("sha256").update(raw).digest("base64url")}`;
}

const dayKeys = new Map<number, string>();

/** The business day (Asia/Shanghai) of an instant, `YYYY-MM-DD`, as group_activity_daily.day. */
export function businessDay(at: Date): string {
  const day = localDay(at.getTime());
  let key = dayKeys.get(day);
  if (key === undefined) {
    if (dayKeys.size > 1000) dayKeys.clear();
    dayKeys.set(day, (key = dayKey(day)));
  }
  return key;
}
