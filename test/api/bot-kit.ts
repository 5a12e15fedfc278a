import { PuppetMock, mock } from "wechaty-puppet-mock";
import * as PUPPET from "wechaty-puppet";
import type { WechatyOptions } from "wechaty";

type ContactMock = InstanceType<typeof mock.ContactMock>;
type RoomMock = InstanceType<typeof mock.RoomMock>;

/**
 * A mock WeCom world for the group bot: one Mocker (contacts, rooms, message payloads) shared by
 * every puppet the bot makes, so that a reconnect finds the same rooms. Each puppet logs in as
 * soon as it starts and emits the `ready` PuppetMock never emits (stack.md gotcha 10).
 */
export class MockWorld {
  readonly mocker = new mock.Mocker();
  readonly self: ContactMock;
  /** the next starts fail like an unreachable puppet service */
  failStarts = 0;
  puppets: PuppetMock[] = [];

  constructor() {
    this.self = this.mocker.createContact({ id: "bot-self", name: "小助手" });
  }

  readonly factory = (): WechatyOptions => {
    const { mocker, self } = this;
    const failing = this.failStarts > 0;
    if (failing) this.failStarts--;
    class AutoLogin extends PuppetMock {
      override async onStart() {
        await super.onStart();
        setImmediate(() => {
          // how a puppet service that cannot be reached reports: an error instead of a login
          if (failing) return this.emit("error", { data: "puppet service unreachable" });
          mocker.login(self);
          this.emit("ready", { data: "ready" });
        });
      }
    }
    // PuppetSkeleton logs its options as JSON: the previous puppet hanging off the mocker would make a cycle
    (this.mocker as unknown as { _puppet?: unknown })._puppet = undefined;
    const puppet = new AutoLogin({ mocker: this.mocker });
    this.puppets.push(puppet);
    return { puppet };
  };

  get puppet(): PuppetMock {
    return this.mocker.puppet;
  }

  contact(id: string, name: string): ContactMock {
    return this.mocker.createContact({ id, name });
  }

  room(id: string, topic: string, owner: ContactMock, members: ContactMock[]): RoomMock {
    return this.mocker.createRoom({
      id,
      topic,
      ownerId: owner.id,
      memberIdList: [this.self.id, owner.id, ...members.map((m) => m.id)],
    });
  }

  /** A room message with a chosen id and time (a second call with the same id is a redelivery). */
  say(id: string, talker: ContactMock, room: RoomMock, at: Date, text = "这条消息的正文不会被保存"): void {
    if (!this.mocker.cacheMessagePayload.has(id))
      this.mocker.MessageMock.create({
        id,
        talkerId: talker.id,
        roomId: room.id,
        timestamp: at.getTime(),
        type: PUPPET.types.Message.Text,
        text,
        mentionIdList: [],
      } as PUPPET.payloads.Message);
    this.puppet.emit("message", { messageId: id });
  }

  join(room: RoomMock, invitees: ContactMock[], inviter: ContactMock, at: Date): void {
    this.puppet.emit("room-join", {
      roomId: room.id,
      inviteeIdList: invitees.map((c) => c.id),
      inviterId: inviter.id,
      timestamp: at.getTime(),
    });
  }

  leave(room: RoomMock, leavers: ContactMock[], remover: ContactMock, at: Date): void {
    this.puppet.emit("room-leave", {
      roomId: room.id,
      removeeIdList: leavers.map((c) => c.id),
      removerId: remover.id,
      timestamp: at.getTime(),
    });
  }
}
