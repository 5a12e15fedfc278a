import { describe, expect, it } from "vitest";
import type { BotRoomView, BotStatusView } from "@/api/bot";
import { linkedShare, mappedByKey, stateTagType } from "./data";

const status = (over: Partial<BotStatusView>): BotStatusView => ({
  configured: true,
  state: "running",
  puppet: "wechaty-puppet-service",
  selfName: "小助手",
  loggedIn: true,
  startedAt: null,
  loggedInAt: null,
  lastError: null,
  lastErrorAt: null,
  reconnects: 0,
  lastFlushAt: null,
  eventsWritten: 0,
  unmappedRooms: 0,
  pipeline: null,
  ...over,
});

const room = (over: Partial<BotRoomView>): BotRoomView => ({
  id: 1,
  roomId: "r1@chatroom",
  topic: "会员群",
  ownerId: null,
  mappedBy: null,
  group: null,
  firstSeenAt: "2026-11-24T00:00:00.000Z",
  lastEventAt: null,
  messages: 3,
  joins: 0,
  leaves: 0,
  members: 2,
  linkedMembers: 1,
  ...over,
});

describe("bot page data", () => {
  it("colours the state: off, running, failing, starting", () => {
    expect(stateTagType(null)).toBe("info");
    expect(stateTagType(status({ configured: false }))).toBe("info");
    expect(stateTagType(status({}))).toBe("success");
    expect(stateTagType(status({ state: "reconnecting", loggedIn: false }))).toBe("danger");
    expect(stateTagType(status({ state: "starting", loggedIn: false }))).toBe("warning");
  });

  it("says how a room was mapped, and none without a group", () => {
    expect(mappedByKey(room({}))).toBe("none");
    const group = { id: 2, chatId: "wr1", name: "会员群", ownerUserid: "li" };
    expect(mappedByKey(room({ group, mappedBy: "topic_owner" }))).toBe("topic_owner");
    expect(linkedShare(room({}))).toBe("1 / 2");
  });
});
