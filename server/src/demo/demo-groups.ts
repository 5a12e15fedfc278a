import { chatDemand, chatHour, DAY_MS, dayKey, dayStart, localDay, timeOnDay } from "./calendar.ts";
import { externalUserid, type DemoCorp, type DemoCustomer, type DemoFrame, type DemoStaff } from "./demo-corp.ts";
import { personName } from "./names.ts";
import { BASE62, createRng, HEX, type Rng } from "./random.ts";

export interface DemoGroup {
  id: number;
  chatId: string;
  name: string;
  ownerStaffId: number;
  ownerUserid: string;
  notice: string | null;
  memberVersion: string;
  /** current members (customers, outsiders and staff) */
  memberCount: number;
  wecomCreatedAt: number;
  updatedAt: number;
}

export interface DemoMember {
  id: number;
  groupId: number;
  /** userid (type 1) or external_userid (type 2) */
  memberId: string;
  memberType: 1 | 2;
  customerId: number | null;
  staffId: number | null;
  unionid: string | null;
  name: string;
  groupNickname: string | null;
  joinedAt: number;
  joinScene: number | null;
  invitorUserid: string | null;
  state: string | null;
  isAdmin: boolean;
  leftAt: number | null;
  lastMessageAt: number | null;
  messageCount: number;
  updatedAt: number;
}

export interface DemoActivity {
  groupId: number;
  day: string;
  messages: number;
  activeMembers: number;
  joins: number;
  leaves: number;
  memberTotal: number;
  updatedAt: number;
}

export interface DemoGroups {
  groups: DemoGroup[];
  members: DemoMember[];
  activity: DemoActivity[];
}

const LEADER_THEMES = ["VIP福利群", "会员专享群", "秒杀福利群", "新品尝鲜群"];
const GUIDE_THEMES = ["VIP福利群", "穿搭分享群", "老客回馈群", "宝妈交流群"];
const NOTICES = [
  (store: string) => `欢迎加入${store}福利群！每周三会员日专享折扣，群内不定期发放优惠券，请勿发广告。`,
  (store: string) => `${store}新品每周五到店，群内预约试穿优先安排。有问题请@群主。`,
  () => "本群为品牌官方客户群，仅分享新品与活动信息。禁止发布与本群无关的链接和广告。",
];

/** a member while simulating the bot's view of the group */
interface Sim {
  row: DemoMember;
  /** chance to speak on an ordinary day, and messages per active day */
  p: number;
  perDay: number;
}

/**
 * Customer groups owned by group leaders and guides, their members (mostly the brand's customers,
 * a few outsiders, the owner and sometimes an admin), and `days` complete local days of bot
 * activity ending yesterday, from which each member's message_count and last_message_at follow.
 */
export function generateGroups(frame: DemoFrame, corp: DemoCorp, groupCount: number, days: number): DemoGroups {
  const rng = createRng(frame.seed, "groups");
  const owners = ownerSequence(rng, corp.staff);
  const customersOf = new Map<number, Set<number>>();
  for (const f of corp.follows) {
    if (!customersOf.has(f.staffId)) customersOf.set(f.staffId, new Set());
    customersOf.get(f.staffId)!.add(f.customerId);
  }
  const takenIds = new Set(corp.customers.map((c) => c.externalUserid));
  const chatIds = new Set<string>();
  const themeCounter = new Map<string, number>();
  const firstActivityDay = frame.today - days;
  const activityStart = dayStart(firstActivityDay);

  const groups: DemoGroup[] = [];
  const members: DemoMember[] = [];
  const activity: DemoActivity[] = [];

  for (let g = 0; g < groupCount && owners.length; g++) {
    const owner = owners[g % owners.length];
    const store = corp.stores.find((s) => s.id === owner.storeId)!;
    const theme = rng.pick(owner.kind === "group_leader" ? LEADER_THEMES : GUIDE_THEMES);
    const key = store.short + theme;
    themeCounter.set(key, (themeCounter.get(key) ?? 0) + 1);
    const lo = Math.max(frame.start, owner.createdAt + DAY_MS);
    const hi = activityStart - 3 * DAY_MS;
    const created =
      hi > lo
        ? timeOnDay(rng, localDay(rng.between(lo, hi)), () => chatHour(rng), hi, lo)
        : Math.floor(Math.min(lo, frame.now - DAY_MS) / 1000) * 1000;
    const group: DemoGroup = {
      id: g + 1,
      chatId: "wr" + rng.chars(30, BASE62),
      name: `${store.short}店${theme}${themeCounter.get(key)}`,
      ownerStaffId: owner.id,
      ownerUserid: owner.userid,
      notice: rng.chance(0.8) ? rng.pick(NOTICES)(store.name) : null,
      memberVersion: rng.chars(32, HEX),
      memberCount: 0,
      wecomCreatedAt: created,
      updatedAt: created,
    };
    while (chatIds.has(group.chatId)) group.chatId = "wr" + rng.chars(30, BASE62);
    chatIds.add(group.chatId);

    const sims = groupMembers(rng, frame, corp, group, owner, theme, customersOf, takenIds);
    simulateChat(rng, frame, group, sims, firstActivityDay, days, activity);

    sims.sort((a, b) => a.row.joinedAt - b.row.joinedAt || (a.row.memberId < b.row.memberId ? -1 : 1));
    for (const { row } of sims) {
      row.id = members.length + 1;
      row.updatedAt = Math.max(row.joinedAt, row.leftAt ?? 0, row.lastMessageAt ?? 0);
      group.updatedAt = Math.max(group.updatedAt, row.joinedAt, row.leftAt ?? 0);
      if (row.leftAt === null) group.memberCount++;
      members.push(row);
    }
    groups.push(group);
  }
  return { groups, members, activity };
}

/** group leaders own about four times as many groups as guides */
function ownerSequence(rng: Rng, staff: DemoStaff[]): DemoStaff[] {
  const seq: DemoStaff[] = [];
  for (const s of staff) {
    if (s.kind === "group_leader") seq.push(s, s, s, s);
    if (s.kind === "guide") seq.push(s);
  }
  return rng.shuffle(seq);
}

function groupMembers(
  rng: Rng,
  frame: DemoFrame,
  corp: DemoCorp,
  group: DemoGroup,
  owner: DemoStaff,
  theme: string,
  customersOf: Map<number, Set<number>>,
  takenIds: Set<string>,
): Sim[] {
  const created = group.wecomCreatedAt;
  const latest = Math.floor((frame.now - 1000) / 1000) * 1000;
  const sims: Sim[] = [];
  const staffRow = (s: DemoStaff, joinedAt: number, isAdmin: boolean, invitor: string | null): DemoMember => ({
    ...blankMember(group.id, s.userid, 1, joinedAt),
    staffId: s.id,
    name: s.name,
    joinScene: invitor ? 1 : null,
    invitorUserid: invitor,
    isAdmin,
  });
  sims.push({ row: staffRow(owner, created, false, null), p: 0.85, perDay: 3 });
  const colleagues = corp.staff.filter((s) => s.storeId === owner.storeId && s.id !== owner.id);
  const admin = colleagues.length && rng.chance(0.4) ? rng.pick(colleagues) : null;
  if (admin) {
    const at = Math.min(created + rng.int(60, 20 * 86400) * 1000, latest);
    sims.push({ row: staffRow(admin, at, true, owner.userid), p: 0.45, perDay: 2 });
  }
  const manager = colleagues.find((s) => s.isManager && s.id !== admin?.id);
  if (manager && rng.chance(0.3)) {
    const at = Math.min(created + rng.int(60, 60 * 86400) * 1000, latest);
    sims.push({ row: staffRow(manager, at, false, owner.userid), p: 0.1, perDay: 1.5 });
  }
  const inviters = [owner.userid, ...(admin ? [admin.userid] : [])];

  const size = Math.min(200, Math.max(20, Math.round(rng.logNormal(Math.log(95), 0.55))));
  const current = Math.max(0, size - sims.length);
  const outsiders = Math.round(current * rng.between(0, 0.06));
  const leavers = Math.round(size * rng.between(0.05, 0.22));

  // Weighted sampling without replacement (Efraimidis-Spirakis): the owner's own customers and,
  // in VIP groups, heavier buyers are likelier to be in the group.
  const own = customersOf.get(owner.id) ?? new Set<number>();
  const vip = theme.startsWith("VIP") || theme.startsWith("会员");
  const pool = corp.customers
    .filter((c) => c.storeId === owner.storeId && c.acquiredAt < Math.min(frame.now - DAY_MS, latest))
    .map((c) => {
      const w = (own.has(c.id) ? 3 : 1) * (c.buyer ? 1 + Math.min(c.propensity, 5) * (vip ? 1 : 0.3) : 0.5);
      return { c, key: Math.pow(rng.next(), 1 / w) };
    })
    .sort((a, b) => b.key - a.key || a.c.id - b.c.id)
    .map((e) => e.c);
  const chosen = pool.slice(0, current - outsiders + leavers);

  const joinTime = (earliest: number): number => {
    const t = rng.chance(0.35) ? earliest + rng.int(60, 3 * 86400) * 1000 : rng.between(earliest, latest);
    return timeOnDay(rng, localDay(Math.min(t, latest)), () => chatHour(rng), latest, earliest);
  };
  const customerRow = (c: DemoCustomer | null, leaves: boolean): Sim => {
    const earliest = Math.max(created + 60_000, c ? c.acquiredAt + 60_000 : 0);
    const joinedAt = joinTime(Math.min(earliest, latest - 60_000));
    let leftAt: number | null = null;
    if (leaves) {
      const t = joinedAt + 60_000 + rng.exponential(45 * DAY_MS);
      leftAt = Math.floor((t < latest ? t : rng.between(joinedAt + 1000, latest)) / 1000) * 1000;
      if (leftAt <= joinedAt) leftAt = joinedAt + 1000;
    }
    const person = c ? c.person : personName(rng, rng.weighted([1, 2], [3, 7]));
    const scene = rng.weighted([1, 2, 3], [45, 20, 35]);
    const roll = rng.next();
    const [p, perDay] =
      roll < 0.5 ? [0.003, 1.4] : roll < 0.86 ? [rng.between(0.01, 0.07), 1.8] : [rng.between(0.12, 0.45), 3];
    return {
      row: {
        ...blankMember(group.id, c ? c.externalUserid : externalUserid(rng, takenIds), 2, joinedAt),
        customerId: c?.id ?? null,
        unionid: c?.unionid ?? null,
        name: person.name,
        groupNickname: rng.chance(0.1) ? person.surname + (person.gender === 1 ? "哥" : "姐") : null,
        joinScene: scene,
        invitorUserid: scene === 3 ? null : rng.pick(inviters),
        state: scene === 3 && rng.chance(0.3) ? `group_qr_${owner.userid}` : null,
        leftAt,
      },
      p,
      perDay,
    };
  };
  chosen.forEach((c, i) => sims.push(customerRow(c, i >= chosen.length - leavers)));
  for (let i = 0; i < outsiders; i++) sims.push(customerRow(null, false));
  return sims;
}

function blankMember(groupId: number, memberId: string, memberType: 1 | 2, joinedAt: number): DemoMember {
  return {
    id: 0,
    groupId,
    memberId,
    memberType,
    customerId: null,
    staffId: null,
    unionid: null,
    name: "",
    groupNickname: null,
    joinedAt,
    joinScene: null,
    invitorUserid: null,
    state: null,
    isAdmin: false,
    leftAt: null,
    lastMessageAt: null,
    messageCount: 0,
    updatedAt: joinedAt,
  };
}

/**
 * What the group bot saw, day by day: who spoke and how often, who joined and left, and the head
 * count at the end of the day. Members' message_count / last_message_at are the sums of the same draws.
 */
function simulateChat(
  rng: Rng,
  frame: DemoFrame,
  group: DemoGroup,
  sims: Sim[],
  firstDay: number,
  days: number,
  out: DemoActivity[],
): void {
  const liveliness = rng.logNormal(0, 0.45);
  for (let day = firstDay; day < firstDay + days; day++) {
    const start = dayStart(day),
      end = start + DAY_MS;
    const mood = chatDemand(day) * liveliness;
    let messages = 0,
      active = 0,
      joins = 0,
      leaves = 0,
      total = 0;
    for (const sim of sims) {
      const m = sim.row;
      if (m.joinedAt >= start && m.joinedAt < end) joins++;
      if (m.leftAt !== null && m.leftAt >= start && m.leftAt < end) leaves++;
      if (m.joinedAt < end && (m.leftAt === null || m.leftAt >= end)) total++;
      const present = m.joinedAt < end && (m.leftAt === null || m.leftAt > start);
      if (!present || !rng.chance(Math.min(0.95, sim.p * mood))) continue;
      const count = 1 + Math.floor(rng.exponential(sim.perDay - 0.5));
      const until = Math.min(end, m.leftAt ?? end, frame.now);
      let last = 0;
      for (let k = 0; k < count; k++)
        last = Math.max(
          last,
          timeOnDay(rng, day, () => chatHour(rng), until, m.joinedAt),
        );
      messages += count;
      active++;
      m.messageCount += count;
      m.lastMessageAt = Math.max(m.lastMessageAt ?? 0, last);
    }
    out.push({
      groupId: group.id,
      day: dayKey(day),
      messages,
      activeMembers: active,
      joins,
      leaves,
      memberTotal: total,
      updatedAt: end - 1000,
    });
  }
}
