import { Entity, Index } from "typeorm";
import { IdColumn, IntColumn, StrColumn, TextColumn, TimeColumn } from "../../db/columns.ts";

export type MappedBy = "chat_id" | "topic_owner" | "admin";

/**
 * A room the bot has seen, and the customer group it stands for. The bot's own figures are kept
 * per room (never lost while a room is unmapped); they are projected onto the group when mapped.
 */
@Entity({ name: "bot_rooms" })
@Index("UQ_bot_rooms_room", ["roomId"], { unique: true })
@Index("UQ_bot_rooms_group", ["groupId"], { unique: true })
export class BotRoom {
  @IdColumn() id: number;
  /** the puppet's room id (WeCom puppets: the chat id, or their own id) */
  @StrColumn(128) roomId: string;
  @StrColumn(255, { default: "" }) topic: string;
  /** the puppet's contact id of the room owner, when it reports one */
  @StrColumn(128, { nullable: true }) ownerId: string | null;
  @IntColumn({ nullable: true }) groupId: number | null;
  /** how groupId was chosen; "admin" with a null group = the admin said "no group", no auto-mapping */
  @StrColumn(20, { nullable: true }) mappedBy: MappedBy | null;
  /** bumped on every mapping change: the writer's per-room member cache is only good for one version */
  @IntColumn({ default: 0 }) mappingVersion: number;
  @TimeColumn() firstSeenAt: Date;
  @TimeColumn({ nullable: true }) lastEventAt: Date | null;
  @TimeColumn() createdAt: Date;
  @TimeColumn() updatedAt: Date;
}

/** Message (and join/leave) ids already counted: a redelivery or a restart never counts twice. */
@Entity({ name: "bot_seen_events" })
export class BotSeenEvent {
  @StrColumn(191, { primary: true }) eventKey: string;
  @IntColumn() botRoomId: number;
  /** a random number per write batch: after INSERT IGNORE, rows of another batch are the duplicates */
  @IntColumn() batchId: number;
  @TimeColumn() seenAt: Date;
}

/** Per room and business day (Asia/Shanghai): the bot's counts. */
@Entity({ name: "bot_room_days" })
export class BotRoomDay {
  @IntColumn({ primary: true }) botRoomId: number;
  @StrColumn(10, { primary: true }) day: string;
  @IntColumn({ default: 0 }) messages: number;
  @IntColumn({ default: 0 }) activeMembers: number;
  @IntColumn({ default: 0 }) joins: number;
  @IntColumn({ default: 0 }) leaves: number;
  @TimeColumn() updatedAt: Date;
}

/** Who spoke in a room on a day: makes "distinct active members" exact across batches and restarts. */
@Entity({ name: "bot_member_days" })
export class BotMemberDay {
  @IntColumn({ primary: true }) botRoomId: number;
  @StrColumn(10, { primary: true }) day: string;
  @StrColumn(128, { primary: true }) memberKey: string;
  @IntColumn({ default: 0 }) messages: number;
  @TimeColumn({ nullable: true }) lastMessageAt: Date | null;
}

/**
 * A member seen speaking in a room, and the group_members row they stand for (null until one
 * matches). Invariant: the member's messages (bot_member_days) have been added to that row's
 * message_count. Written when a member is first seen or linked, not per message.
 */
@Entity({ name: "bot_room_members" })
@Index("UQ_bot_room_members_key", ["botRoomId", "memberKey"], { unique: true })
@Index("IDX_bot_room_members_gm", ["groupMemberId"])
export class BotRoomMember {
  @IdColumn() id: number;
  @IntColumn() botRoomId: number;
  @StrColumn(128) memberKey: string;
  /** display name as the puppet reports it: only for the name fallback of member matching */
  @StrColumn(100, { nullable: true }) name: string | null;
  @IntColumn({ nullable: true }) groupMemberId: number | null;
  @TimeColumn() updatedAt: Date;
}

export type BotState = "stopped" | "starting" | "running" | "reconnecting";

/** What the admin shows about the bot (one row per deployment, written by the instance running it). */
@Entity({ name: "bot_status" })
export class BotStatus {
  @StrColumn(50, { primary: true }) name: string;
  @StrColumn(20, { default: "stopped" }) state: BotState;
  @StrColumn(100, { nullable: true }) puppet: string | null;
  @StrColumn(100, { nullable: true }) selfName: string | null;
  @TextColumn() lastError: string | null;
  @TimeColumn({ nullable: true }) lastErrorAt: Date | null;
  @IntColumn({ default: 0 }) reconnects: number;
  @TimeColumn({ nullable: true }) startedAt: Date | null;
  @TimeColumn({ nullable: true }) loggedInAt: Date | null;
  @TimeColumn({ nullable: true }) lastFlushAt: Date | null;
  @IntColumn({ default: 0 }) eventsWritten: number;
  @TimeColumn() updatedAt: Date;
}
