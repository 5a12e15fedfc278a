import { z } from "zod";

export const roomListQuery = z.object({
  status: z.enum(["all", "mapped", "unmapped"]).default("all"),
  /** part of the topic or of the room id */
  q: z.string().trim().max(100).optional(),
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(100, "at most 100").default(20),
});
export type RoomListQuery = z.infer<typeof roomListQuery>;

export const roomParams = z.object({ id: z.coerce.number().int().positive("must be a room id") });

/** groupId null: no group (the automatic mapping will not pick one either). */
export const mappingBody = z.object({
  groupId: z.number().int().positive("must be a customer group id").nullable(),
});

export interface BotRoomView {
  id: number;
  roomId: string;
  topic: string;
  ownerId: string | null;
  mappedBy: "chat_id" | "topic_owner" | "admin" | null;
  group: { id: number; chatId: string; name: string; ownerUserid: string } | null;
  firstSeenAt: string;
  lastEventAt: string | null;
  /** everything the bot counted in this room, mapped or not */
  messages: number;
  joins: number;
  leaves: number;
  /** members seen speaking, and how many of them matched a group member */
  members: number;
  linkedMembers: number;
}

export interface BotStatusView {
  /** WECHATY_PUPPET is set on the instance that answered */
  configured: boolean;
  state: "stopped" | "starting" | "running" | "reconnecting";
  puppet: string | null;
  selfName: string | null;
  loggedIn: boolean;
  startedAt: string | null;
  loggedInAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
  reconnects: number;
  lastFlushAt: string | null;
  eventsWritten: number;
  /** rooms without a group (null for store managers, who see mapped groups only) */
  unmappedRooms: number | null;
  /** the in-memory pipeline, when this instance runs the bot */
  pipeline: { received: number; counted: number; duplicates: number; buffered: number; failedWrites: number } | null;
}
