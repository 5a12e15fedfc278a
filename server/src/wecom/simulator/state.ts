import { createHash } from "node:crypto";
import { followKey, type SimCorpSeed, type SimGroup, type SimState } from "./model.ts";

/** Builds the live state from a seed; the seed is copied so the caller's objects stay untouched. */
export function createState(seed: SimCorpSeed): SimState {
  const s = structuredClone(seed);
  return {
    corp: {
      corpId: s.corpId,
      agentId: s.agentId,
      secret: s.secret,
      callbackToken: s.callbackToken,
      callbackAesKey: s.callbackAesKey,
    },
    callbackUrl: null,
    staff: new Map(s.staff.map((m) => [m.userid, m])),
    customers: new Map(s.customers.map((c) => [c.external_userid, c])),
    follows: new Map(s.follows.map((f) => [followKey(f.userid, f.external_userid), f])),
    tagGroups: new Map(s.tagGroups.map((g) => [g.group_id, g])),
    tagTombstones: new Map(),
    groups: new Map(s.groups.map((g) => [g.chat_id, g])),
    groupDayStats: new Map(),
    massSends: new Map(),
    appMessages: [],
    welcomeCodes: new Map(),
    welcomeMessages: [],
    chatToolbarSends: [],
    tokens: new Map(),
    currentToken: null,
    tickets: { jsapi: null, agent_config: null },
    oauthCodes: new Map(),
    calls: [],
    seq: 0,
  };
}

/** Deterministic ids: a prefix and a counter, e.g. "etsim000001". */
export function nextId(state: SimState, prefix: string): string {
  state.seq += 1;
  return `${prefix}${String(state.seq).padStart(6, "0")}`;
}

/** A new member_version: 32 hex characters like WeCom's, derived from the chat and a counter. */
export function bumpMemberVersion(state: SimState, group: SimGroup): { last: string; cur: string } {
  const last = group.member_version;
  state.seq += 1;
  group.member_version = createHash("md5").update(`${group.chat_id}|${state.seq}`).digest("hex");
  return { last, cur: group.member_version };
}

const DAY_S = 86_400;
const UTC8_S = 8 * 3600;

/** 00:00 of the natural day (China time, UTC+8) that contains `unixS`. */
export function dayStart(unixS: number): number {
  return Math.floor((unixS + UTC8_S) / DAY_S) * DAY_S - UTC8_S;
}

export const DAY_SECONDS = DAY_S;

export function followsOf(state: SimState, external_userid: string) {
  return [...state.follows.values()].filter((f) => f.external_userid === external_userid);
}

export function isLicensed(staff: { licensed?: boolean }): boolean {
  return staff.licensed !== false;
}

export function findTag(state: SimState, id: string) {
  for (const group of state.tagGroups.values()) {
    const tag = group.tags.find((t) => t.id === id);
    if (tag) return { group, tag };
  }
  return undefined;
}

export function tagCount(state: SimState): number {
  let n = 0;
  for (const g of state.tagGroups.values()) n += g.tags.length;
  return n;
}
