/**
 * Helpers for the simulator's own tests: small builders for seed data and a client that talks to a
 * listening simulator over real HTTP with a controllable clock.
 */
import { createWecomSimulator, type WecomSimulator } from "./index.ts";
import type { SimCorpSeed, SimCustomer, SimFollow, SimGroup, SimGroupMember, SimStaff, SimTagGroup } from "./model.ts";

/** 2024-06-03 10:00 China time (a Monday), as ms. */
export const T0 = Date.UTC(2024, 5, 3, 2, 0, 0);
export const T0_S = T0 / 1000;

export const given = {
  staff: (userid: string, over: Partial<SimStaff> = {}): SimStaff => ({
    userid,
    name: `Staff ${userid}`,
    customerContact: true,
    ...over,
  }),
  customer: (external_userid: string, over: Partial<SimCustomer> = {}): SimCustomer => ({
    external_userid,
    name: `Customer ${external_userid}`,
    type: 1,
    gender: 0,
    ...over,
  }),
  follow: (userid: string, external_userid: string, over: Partial<SimFollow> = {}): SimFollow => ({
    userid,
    external_userid,
    createtime: T0_S - 86_400,
    tag_ids: [],
    add_way: 1,
    ...over,
  }),
  tagGroup: (group_id: string, tags: [id: string, name: string][], over: Partial<SimTagGroup> = {}): SimTagGroup => ({
    group_id,
    group_name: `Group ${group_id}`,
    order: 0,
    create_time: T0_S - 86_400,
    tags: tags.map(([id, name]) => ({ id, name, order: 0, create_time: T0_S - 86_400 })),
    ...over,
  }),
  member: (userid: string, over: Partial<SimGroupMember> = {}): SimGroupMember => ({
    userid,
    type: userid.startsWith("wm") || userid.startsWith("wo") ? 2 : 1,
    join_time: T0_S - 3600,
    join_scene: 1,
    ...over,
  }),
  group: (chat_id: string, owner: string, over: Partial<SimGroup> = {}): SimGroup => ({
    chat_id,
    name: `Chat ${chat_id}`,
    owner,
    create_time: T0_S - 86_400,
    status: 0,
    members: [given.member(owner)],
    admins: [],
    member_version: "00000000000000000000000000000000",
    ...over,
  }),
  seed: (over: Partial<SimCorpSeed> = {}): SimCorpSeed => ({
    corpId: "wwsimcorp00000001",
    agentId: 1000002,
    secret: "sim-secret",
    callbackToken: "simtoken",
    // any 32 bytes, base64 without the trailing "=" (43 characters)
    callbackAesKey: Buffer.alloc(32, 7).toString("base64").slice(0, 43),
    staff: [],
    customers: [],
    follows: [],
    tagGroups: [],
    groups: [],
    ...over,
  }),
};

export type WecomJson = { errcode: number; errmsg: string } & Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export interface SimHarness {
  sim: WecomSimulator;
  url: string;
  clock: { now(): number; advance(ms: number): void; set(ms: number): void };
  /** a fresh or cached token from gettoken */
  token(): Promise<string>;
  get(api: string, query?: Record<string, string>): Promise<WecomJson>;
  post(api: string, body?: unknown): Promise<WecomJson>;
  /** raw request without an automatic token */
  raw(api: string, init?: RequestInit & { query?: Record<string, string> }): Promise<Response>;
  close(): Promise<void>;
}

export async function startSim(seed: SimCorpSeed, opts: { tokenTtlS?: number } = {}): Promise<SimHarness> {
  let t = T0;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms), set: (ms: number) => void (t = ms) };
  const sim = createWecomSimulator(seed, { now: clock.now, tokenTtlS: opts.tokenTtlS });
  const { url, close } = await sim.listen();
  const raw = (api: string, init: RequestInit & { query?: Record<string, string> } = {}) => {
    const u = new URL(api, url);
    for (const [k, v] of Object.entries(init.query ?? {})) u.searchParams.set(k, v);
    return fetch(u, init);
  };
  const token = async () => {
    const res = await raw("gettoken", { query: { corpid: seed.corpId, corpsecret: seed.secret } });
    return ((await res.json()) as WecomJson).access_token as string;
  };
  const get = async (api: string, query: Record<string, string> = {}) =>
    (await (await raw(api, { query: { access_token: await token(), ...query } })).json()) as WecomJson;
  const post = async (api: string, body: unknown = {}) =>
    (await (
      await raw(api, {
        method: "POST",
        query: { access_token: await token() },
        headers: { "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      })
    ).json()) as WecomJson;
  return { sim, url, clock, token, get, post, raw, close };
}
