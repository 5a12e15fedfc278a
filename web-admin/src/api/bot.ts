import { http } from "./http";
import type { BotRoomView, BotStatusView } from "../../../server/src/modules/bot/bot.schemas";

export type { BotRoomView, BotStatusView };
export type RoomFilter = "all" | "mapped" | "unmapped";

export interface RoomPage {
  items: BotRoomView[];
  total: number;
  page: number;
  pageSize: number;
}

export const getBotStatus = (signal?: AbortSignal) =>
  http.get<{ status: BotStatusView }>("/api/v1/bot/status", { signal }).then((r) => r.status);

export const listBotRooms = (
  q: { status: RoomFilter; q?: string; page: number; pageSize: number },
  signal?: AbortSignal,
) => http.get<RoomPage>("/api/v1/bot/rooms", { query: q, signal });

/** Maps a room to a customer group (null: to none, and automatic mapping leaves it alone). */
export const mapBotRoom = (roomId: number, groupId: number | null) =>
  http.put<{ room: BotRoomView }>(`/api/v1/bot/rooms/${roomId}/mapping`, { groupId }).then((r) => r.room);
