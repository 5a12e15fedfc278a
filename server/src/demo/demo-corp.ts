import { DAY_MS, dayStart, demand, localDay, timeOnDay } from "./calendar.ts";
import { customerName, DESCRIPTIONS, personName, remarkFor, type PersonName } from "./names.ts";
import { BASE62, BASE64URL, createRng, Cumulative, unique, type Rng } from "./random.ts";
import type { StaffKind } from "../modules/staff/staff.entity.ts";

/** What every part of the generator shares: the seed and the time frame (UTC epoch ms). */
export interface DemoFrame {
  seed: number;
  /** every generated instant is strictly before this */
  now: number;
  /** first local day of the two years of history */
  firstDay: number;
  /** local day of `now` (partly elapsed) */
  today: number;
  /** UTC instant the history starts (local midnight of firstDay) */
  start: number;
}

export const HISTORY_DAYS = 730;

export function demoFrame(seed: number, now: Date): DemoFrame {
  const nowMs = now.getTime();
  const today = localDay(nowMs);
  const firstDay = today - HISTORY_DAYS + 1;
  return { seed, now: nowMs, today, firstDay, start: dayStart(firstDay) };
}

export interface DemoStore {
  id: number;
  code: string;
  name: string;
  /** short name used in group names and remarks */
  short: string;
  city: string;
  createdAt: number;
}

export interface DemoStaff {
  id: number;
  userid: string;
  name: string;
  mobile: string;
  position: string;
  kind: StaffKind;
  /** null for the HQ operator, who belongs to no store and sees the whole corp through their role */
  storeId: number | null;
  isManager: boolean;
  createdAt: number;
}

export interface DemoCustomer {
  id: number;
  externalUserid: string;
  person: PersonName;
  unionid: string | null;
  mobile: string | null;
  memberNo: string | null;
  doNotDisturb: boolean;
  /** first follow time = created_at */
  acquiredAt: number;
  /** first purchase (new customers) or the start of the history (customers from before it) */
  activeFrom: number;
  updatedAt: number;
  storeId: number;
  primaryStaffId: number;
  /** buys at all (the rest are prospects) */
  buyer: boolean;
  /** relative order rate while active (log-normal: a minority of heavy buyers) */
  propensity: number;
  /** relative basket size */
  basket: number;
  /** the customer stops buying after this instant (churn), or never (= now) */
  activeUntil: number;
}

export interface DemoFollow {
  id: number;
  customerId: number;
  staffId: number;
  remark: string | null;
  description: string | null;
  remarkMobiles: string[] | null;
  addWay: number;
  state: string | null;
  operUserid: string;
  addedAt: number;
  status: "active" | "deleted_by_customer";
  endedAt: number | null;
}

export interface DemoCorp {
  stores: DemoStore[];
  staff: DemoStaff[];
  customers: DemoCustomer[];
  follows: DemoFollow[];
}

const STORES = [
  { code: "SH01", name: "上海静安店", short: "静安", city: "上海", share: 0.42 },
  { code: "HZ01", name: "杭州湖滨店", short: "湖滨", city: "杭州", share: 0.33 },
  { code: "SZ01", name: "深圳万象城店", short: "万象城", city: "深圳", share: 0.25 },
];

/** 15 people: the HQ operator, two store managers (SZ01 reports to HQ directly), guides and group leaders. */
const ROSTER: { kind: StaffKind; store: string | null; position: string; count: number }[] = [
  { kind: "operator", store: null, position: "总部运营", count: 1 },
  { kind: "manager", store: "SH01", position: "店长", count: 1 },
  { kind: "guide", store: "SH01", position: "导购", count: 4 },
  { kind: "group_leader", store: "SH01", position: "社群团长", count: 1 },
  { kind: "manager", store: "HZ01", position: "店长", count: 1 },
  { kind: "guide", store: "HZ01", position: "导购", count: 3 },
  { kind: "group_leader", store: "HZ01", position: "社群团长", count: 1 },
  { kind: "guide", store: "SZ01", position: "导购", count: 2 },
  { kind: "group_leader", store: "SZ01", position: "社群团长", count: 1 },
];

/** how much of a store's clientele each kind of staff member holds */
const CLIENTELE: Record<StaffKind, number> = { guide: 1, group_leader: 0.55, manager: 0.3, operator: 0 };

/** mainland mobile prefixes (China Mobile, Unicom, Telecom) */
const MOBILE_PREFIXES = `
  130 131 132 133 134 135 136 137 138 139 150 151 152 153 155 156 157 158
  159 170 173 176 177 178 180 181 182 183 185 186 187 188 189 191 198 199
`
  .trim()
  .split(/\s+/);

export function mobileNumber(rng: Rng, taken: Set<string>): string {
  return unique(taken, () => rng.pick(MOBILE_PREFIXES) + rng.chars(8, "0123456789"));
}

export function externalUserid(rng: Rng, taken: Set<string>): string {
  return unique(taken, () => "wm" + rng.chars(30, BASE62));
}

/** A second of a working day (10:00-21:59 local) some days before `before`. */
function someWorkingTime(rng: Rng, before: number, minDays: number, maxDays: number): number {
  const day = localDay(before) - rng.int(minDays, maxDays);
  return dayStart(day) + rng.int(10 * 3600, 22 * 3600 - 1) * 1000;
}

export function generateCorp(frame: DemoFrame, customerCount: number): DemoCorp {
  const stores = makeStores(frame);
  const mobiles = new Set<string>();
  const staff = makeStaff(frame, stores, mobiles);
  const customers = makeCustomers(frame, stores, staff, customerCount, mobiles);
  const follows = makeFollows(frame, stores, staff, customers);
  return { stores, staff, customers, follows };
}

function makeStores(frame: DemoFrame): DemoStore[] {
  const rng = createRng(frame.seed, "stores");
  return STORES.map((s, i) => ({
    id: i + 1,
    code: s.code,
    name: s.name,
    short: s.short,
    city: s.city,
    createdAt: someWorkingTime(rng, frame.start, 200 + i * 40, 260 + i * 40),
  }));
}

function makeStaff(frame: DemoFrame, stores: DemoStore[], mobiles: Set<string>): DemoStaff[] {
  const rng = createRng(frame.seed, "staff");
  const userids = new Set<string>();
  const staff: DemoStaff[] = [];
  for (const slot of ROSTER) {
    const store = stores.find((s) => s.code === slot.store) ?? null;
    for (let i = 0; i < slot.count; i++) {
      const person = personName(rng, rng.chance(0.75) ? 2 : 1);
      let userid = person.pinyin;
      for (let n = 2; userids.has(userid); n++) userid = person.pinyin + n;
      userids.add(userid);
      staff.push({
        id: staff.length + 1,
        userid,
        name: person.name,
        mobile: mobileNumber(rng, mobiles),
        position: slot.position,
        kind: slot.kind,
        storeId: store?.id ?? null,
        isManager: slot.kind === "manager",
        createdAt: someWorkingTime(rng, frame.start, 10, 180),
      });
    }
  }
  return staff;
}

/** acquisition demand per history day: seasonal (damped) and growing; today only as far as it went */
function acquisitionWeights(frame: DemoFrame): Cumulative {
  const weights = new Float64Array(frame.today - frame.firstDay + 1);
  for (let i = 0; i < weights.length; i++) {
    const day = frame.firstDay + i;
    const growth = 0.7 + 0.6 * (i / weights.length);
    weights[i] = Math.pow(demand(day), 0.6) * growth;
  }
  weights[weights.length - 1] *= (frame.now - dayStart(frame.today)) / DAY_MS;
  return new Cumulative(weights);
}

const STORE_HOURS = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
const STORE_HOUR_WEIGHTS = [5, 8, 9, 10, 12, 13, 12, 10, 11, 14, 15, 10];

function makeCustomers(
  frame: DemoFrame,
  stores: DemoStore[],
  staff: DemoStaff[],
  count: number,
  mobiles: Set<string>,
): DemoCustomer[] {
  const rng = createRng(frame.seed, "customers");
  const days = acquisitionWeights(frame);
  const externalIds = new Set<string>();
  const unionids = new Set<string>();
  const unionPrefix = "o" + rng.chars(5, BASE64URL); // one WeChat open platform account
  const staffWeights = staff.map((s) => CLIENTELE[s.kind] * rng.logNormal(0, 0.25));
  const storeShare = stores.map((s) => STORES.find((d) => d.code === s.code)!.share);
  const hour = () => rng.weighted(STORE_HOURS, STORE_HOUR_WEIGHTS);

  const drafts: DemoCustomer[] = [];
  for (let i = 0; i < count; i++) {
    const store = rng.weighted(stores, storeShare);
    const inStore = staff.filter((s) => s.storeId === store.id);
    const primary = rng.weighted(
      inStore,
      inStore.map((s) => staffWeights[s.id - 1]),
    );
    // 40 % were already the brand's customers when the history starts (guides add them over the
    // following months); the others come to the brand during the two years, most adding the guide
    // at their first visit, some later.
    const existing = rng.chance(0.4);
    let activeFrom: number, acquiredAt: number;
    if (existing) {
      activeFrom = frame.start;
      const day = Math.min(frame.firstDay + Math.floor(rng.exponential(150)), frame.today);
      acquiredAt = timeOnDay(rng, day, hour, frame.now);
    } else {
      activeFrom = timeOnDay(rng, frame.firstDay + days.sample(rng), hour, frame.now);
      const lag = rng.chance(0.6) ? rng.int(60, 1800) * 1000 : rng.exponential(30 * DAY_MS);
      const day = Math.min(localDay(activeFrom + lag), frame.today);
      acquiredAt =
        lag <= 1800_000 && activeFrom + lag < frame.now
          ? activeFrom + lag
          : timeOnDay(rng, day, hour, frame.now, activeFrom);
    }
    const recent = frame.now - acquiredAt < 45 * DAY_MS;
    const buyer = existing || !rng.chance(recent ? 0.45 : 0.22);
    const gender = rng.weighted([0, 1, 2], [8, 24, 68]);
    const mobile = rng.chance(0.8) ? mobileNumber(rng, mobiles) : null;
    const member = mobile !== null && rng.chance(buyer ? 0.7 : 0.2);
    const propensity = Math.min(rng.logNormal(0, 1.05), 6);
    const churns = rng.chance(0.3);
    const activeUntil = churns ? Math.min(frame.now, activeFrom + rng.exponential(300 * DAY_MS)) : frame.now;
    drafts.push({
      id: 0,
      externalUserid: externalUserid(rng, externalIds),
      person: customerName(rng, gender),
      unionid: rng.chance(0.7) ? unique(unionids, () => unionPrefix + rng.chars(22, BASE64URL)) : null,
      mobile,
      memberNo: member ? "" : null,
      doNotDisturb: rng.chance(0.015),
      acquiredAt,
      activeFrom,
      updatedAt: acquiredAt,
      storeId: store.id,
      primaryStaffId: primary.id,
      buyer,
      propensity,
      basket: rng.logNormal(0.08 * Math.log(propensity), 0.3),
      activeUntil,
    });
  }
  // Ids and member numbers follow the order in which customers came to the brand.
  drafts.sort((a, b) => a.acquiredAt - b.acquiredAt || (a.externalUserid < b.externalUserid ? -1 : 1));
  let memberSeq = 10_000_000 + rng.int(0, 200_000);
  drafts.forEach((c, i) => {
    c.id = i + 1;
    if (c.memberNo !== null) {
      memberSeq += rng.int(1, 60);
      c.memberNo = "M" + String(memberSeq).padStart(8, "0");
    }
  });
  return drafts;
}

const PRIMARY_WAYS = [1, 2, 3, 4, 201, 202];
const PRIMARY_WAY_WEIGHTS = [58, 14, 9, 8, 3, 8];
const SECOND_WAYS = [1, 2, 4, 201, 202];
const SECOND_WAY_WEIGHTS = [35, 15, 15, 20, 15];

/** the corp's channel code (`state`) for a relation added by scanning a QR code on that day */
function channelState(rng: Rng, addedAt: number, store: DemoStore): string | null {
  const d = new Date(addedAt + 8 * 3600_000);
  const m = d.getUTCMonth() + 1,
    dom = d.getUTCDate();
  if (m === 6 && dom <= 20 && rng.chance(0.45)) return "livestream_0618";
  if (((m === 10 && dom >= 20) || (m === 11 && dom <= 12)) && rng.chance(0.45)) return "livestream_1111";
  return rng.weighted([`store_qr_${store.code}`, "mall_popup", "sms_coupon", null], [62, 14, 6, 18]);
}

function makeFollows(
  frame: DemoFrame,
  stores: DemoStore[],
  staff: DemoStaff[],
  customers: DemoCustomer[],
): DemoFollow[] {
  const rng = createRng(frame.seed, "follows");
  const operator = staff.find((s) => s.kind === "operator")!;
  const follows: DemoFollow[] = [];

  const relation = (c: DemoCustomer, s: DemoStaff, addedAt: number, addWay: number, primary: boolean): DemoFollow => {
    const store = stores.find((st) => st.id === s.storeId)!;
    const colleagues = staff.filter((o) => o.storeId === s.storeId && o.id !== s.id);
    const colleague = colleagues.length ? rng.pick(colleagues) : s;
    const manager = staff.find((o) => o.storeId === s.storeId && o.isManager) ?? operator;
    // WeCom: the contact's own id when they added the staff member, else whoever did it
    const operUserid =
      addWay === 1 || addWay === 3
        ? c.externalUserid
        : addWay === 201
          ? colleague.userid
          : addWay === 202
            ? manager.userid
            : s.userid;
    const remark = rng.chance(primary ? 0.42 : 0.25) ? remarkFor(rng, c.person, c.mobile, store.short) : null;
    const churned = c.activeUntil < frame.now;
    let status: DemoFollow["status"] = "active";
    let endedAt: number | null = null;
    if (rng.chance(primary ? (churned ? 0.06 : 0.006) : 0.05)) {
      const from = Math.max(addedAt + DAY_MS, churned ? c.activeUntil : addedAt);
      if (from < frame.now - 60_000) {
        status = "deleted_by_customer";
        endedAt = Math.floor(rng.between(from, frame.now - 1000) / 1000) * 1000;
      }
    }
    return {
      id: 0,
      customerId: c.id,
      staffId: s.id,
      remark,
      description: rng.chance(0.08) ? rng.pick(DESCRIPTIONS) : null,
      remarkMobiles: c.mobile && remark && (remark.includes(c.mobile.slice(-4)) || rng.chance(0.3)) ? [c.mobile] : null,
      addWay,
      state: addWay === 1 ? channelState(rng, addedAt, store) : null,
      operUserid,
      addedAt,
      status,
      endedAt,
    };
  };

  for (const c of customers) {
    const primaryStaff = staff[c.primaryStaffId - 1];
    let way = rng.weighted(PRIMARY_WAYS, PRIMARY_WAY_WEIGHTS);
    if (way === 2 && !c.mobile) way = 1;
    follows.push(relation(c, primaryStaff, c.acquiredAt, way, true));
    // about 12 % are also customers of a second staff member, mostly in the same store
    if (rng.chance(0.12)) {
      const sameStore = rng.chance(0.75);
      const pool = staff.filter(
        (s) => s.id !== primaryStaff.id && s.storeId !== null && (s.storeId === c.storeId) === sameStore,
      );
      const other = rng.weighted(
        pool,
        pool.map((s) => CLIENTELE[s.kind]),
      );
      let addedAt = c.acquiredAt + 60_000 + rng.exponential(150 * DAY_MS);
      if (addedAt >= frame.now) addedAt = rng.between(c.acquiredAt, frame.now);
      addedAt = Math.max(c.acquiredAt + 1000, Math.floor(addedAt / 1000) * 1000);
      if (addedAt < frame.now) {
        let second = rng.weighted(SECOND_WAYS, SECOND_WAY_WEIGHTS);
        if (second === 2 && !c.mobile) second = 4;
        follows.push(relation(c, other, addedAt, second, false));
      }
    }
  }
  follows.sort((a, b) => a.addedAt - b.addedAt || a.customerId - b.customerId);
  follows.forEach((f, i) => {
    f.id = i + 1;
    const c = customers[f.customerId - 1];
    c.updatedAt = Math.max(c.updatedAt, f.endedAt ?? f.addedAt);
  });
  return follows;
}
