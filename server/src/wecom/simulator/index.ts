import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type Koa from "koa";
import type { ApiTable } from "./api.ts";
import { CallbackSender, type Delivery } from "./callbacks.ts";
import { CorpActions } from "./corp-actions.ts";
import { Faults, type FaultControl } from "./faults.ts";
import type {
  SimCall,
  SimChatToolbarSend,
  SimCorpSeed,
  SimCustomer,
  SimFollow,
  SimGroup,
  SimGroupMember,
  SimState,
} from "./model.ts";
import { authRoutes } from "./routes/auth.ts";
import { chatToolbarRoutes } from "./routes/chat-toolbar.ts";
import { contactRoutes } from "./routes/contacts.ts";
import { groupRoutes } from "./routes/groups.ts";
import { massSendRoutes, type ConfirmOptions } from "./routes/mass-send.ts";
import { messageRoutes } from "./routes/messages.ts";
import { tagRoutes } from "./routes/tags.ts";
import { createSimulatorApp } from "./simulator-app.ts";
import { createState } from "./state.ts";
import { expireAllTokens } from "./tokens.ts";

export type * from "./model.ts";
export { followKey, groupDayKey } from "./model.ts";
export { dayStart } from "./state.ts";
export type { FaultControl } from "./faults.ts";
export type { Delivery } from "./callbacks.ts";
export type { ConfirmOptions } from "./routes/mass-send.ts";

export interface SimListening {
  /** e.g. http://127.0.0.1:PORT/cgi-bin/ */
  url: string;
  close(): Promise<void>;
}

export interface WecomSimulator {
  /** serves every path containing /cgi-bin/ */
  app: Koa;
  /** the live state: inspect or change it freely */
  state: SimState;
  listen(port?: number, host?: string): Promise<SimListening>;
  faults: FaultControl;
  /** every call answered, faulted ones included */
  calls: SimCall[];
  /** chat toolbar sends recorded by sim/chat_toolbar/send (the dev bridge's stand-in for sendChatMessage) */
  chatToolbarSends: SimChatToolbarSend[];
  setCallbackUrl(url: string | null): void;
  addCustomer(c: SimCustomer, f: SimFollow, opts?: { welcomeCode?: boolean }): Promise<void>;
  deleteFollowByStaff(userid: string, external_userid: string): Promise<void>;
  deleteFollowByCustomer(userid: string, external_userid: string): Promise<void>;
  editFollow(userid: string, external_userid: string, patch: Partial<SimFollow>): Promise<void>;
  joinGroup(chat_id: string, member: SimGroupMember): Promise<void>;
  leaveGroup(chat_id: string, memberId: string, quitScene: 0 | 1): Promise<void>;
  createGroup(g: SimGroup): Promise<void>;
  dismissGroup(chat_id: string): Promise<void>;
  renameGroup(chat_id: string, name: string): Promise<void>;
  confirmMassSend(msgid: string, userid: string, opts?: ConfirmOptions): Promise<void>;
  deliver(xmlPlaintext: string, opts?: { times?: number }): Promise<Delivery>;
  issueOauthCode(userid: string): string;
}

export interface SimulatorOptions {
  /** the simulator clock in ms; default Date.now */
  now?: () => number;
  /** access_token lifetime; default 7200 s */
  tokenTtlS?: number;
}

/** A WeCom server API for one corp, in memory, answering like the documented API (wecom.md). */
export function createWecomSimulator(seed: SimCorpSeed, opts: SimulatorOptions = {}): WecomSimulator {
  const now = opts.now ?? Date.now;
  const state = createState(seed);
  const faults = new Faults(() => expireAllTokens(state, now()));
  const routes: ApiTable = {
    ...authRoutes(opts.tokenTtlS ?? 7200),
    ...contactRoutes(),
    ...tagRoutes(),
    ...groupRoutes(),
    ...massSendRoutes(),
    ...messageRoutes(),
    ...chatToolbarRoutes(),
  };
  const app = createSimulatorApp({ state, faults, now, routes });
  const sender = new CallbackSender(state, now);
  const actions = new CorpActions(state, now, sender);

  return {
    app,
    state,
    faults,
    calls: state.calls,
    chatToolbarSends: state.chatToolbarSends,
    listen: (port = 0, host = "127.0.0.1") => listen(app, port, host),
    setCallbackUrl: (url) => {
      state.callbackUrl = url;
    },
    addCustomer: (c, f, o) => actions.addCustomer(c, f, o),
    deleteFollowByStaff: (u, e) => actions.deleteFollowByStaff(u, e),
    deleteFollowByCustomer: (u, e) => actions.deleteFollowByCustomer(u, e),
    editFollow: (u, e, p) => actions.editFollow(u, e, p),
    joinGroup: (id, m) => actions.joinGroup(id, m),
    leaveGroup: (id, m, q) => actions.leaveGroup(id, m, q),
    createGroup: (g) => actions.createGroup(g),
    dismissGroup: (id) => actions.dismissGroup(id),
    renameGroup: (id, name) => actions.renameGroup(id, name),
    confirmMassSend: (msgid, userid, o) => actions.confirmMassSend(msgid, userid, o),
    deliver: (xml, o) => sender.deliver(xml, o),
    issueOauthCode: (userid) => actions.issueOauthCode(userid),
  };
}

function listen(app: Koa, port: number, host: string): Promise<SimListening> {
  const server = createServer(app.callback());
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const { port: bound } = server.address() as AddressInfo;
      const shown = host.includes(":") ? `[${host}]` : host;
      let closing: Promise<void> | undefined;
      resolve({
        url: `http://${shown}:${bound}/cgi-bin/`,
        close: () =>
          (closing ??= new Promise<void>((done, fail) => {
            server.close((err) => (err ? fail(err) : done()));
            server.closeAllConnections(); // fetch keeps connections alive
          })),
      });
    });
  });
}
