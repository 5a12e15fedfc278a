import type { BotRoomView, BotStatusView } from "@/api/bot";

/** Element Plus tag type for the bot's connection state. */
export function stateTagType(status: BotStatusView | null): "success" | "warning" | "danger" | "info" {
  if (!status?.configured) return "info";
  if (status.state === "running" && status.loggedIn) return "success";
  if (status.state === "reconnecting" || status.lastError) return "danger";
  return "warning";
}

/** How a room came to its group, as a locale key under `bot.mappedBy`. */
export function mappedByKey(room: BotRoomView): string {
  return room.group ? (room.mappedBy ?? "admin") : "none";
}

/** Members the bot saw speaking that matched a group member, as "linked / seen". */
export function linkedShare(room: BotRoomView): string {
  return `${room.linkedMembers} / ${room.members}`;
}
