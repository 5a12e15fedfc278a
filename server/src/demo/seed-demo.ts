import type { DataSource, EntityManager } from "typeorm";
import { MAX_PARAMS, sqlTime } from "../db/dialect.ts";
import { hashPassword } from "../platform/passwords.ts";
import { demoFrame, generateCorp, type DemoCorp } from "./demo-corp.ts";
import { generateGroups, type DemoGroups } from "./demo-groups.ts";
import { generateOrders, type DemoOrder } from "./demo-orders.ts";

/**
 * The demo corp: a believable retail brand with three stores, its staff, customers and their
 * follow relations, two years of orders, customer groups with 60 days of bot activity, and demo
 * logins. Every row is a pure function of (seed, options, now) — except the password hashes,
 * which carry a random salt by design. Written in one transaction with explicit ids, so a failure
 * leaves nothing behind and SQLite and MariaDB receive identical rows.
 */
export interface DemoOptions {
  seed?: number;
  customers?: number;
  orders?: number;
  groups?: number;
  /** days of group activity, ending yesterday (local) */
  days?: number;
  now?: Date;
  onProgress?: (step: string, done: number, total: number) => void;
}

export interface DemoResult {
  stores: number;
  staff: number;
  customers: number;
  followRelations: number;
  orders: number;
  groups: number;
  /** group_members rows, including members who have left */
  groupMembers: number;
  /** group_activity_daily rows (groups x days) */
  activityDays: number;
  users: { username: string; password: string; role: string; displayName: string }[];
}

export const DEFAULT_DEMO_SEED = 20261124;

/** the tables the demo writes; all but `users` must be empty (see seedDemo) */
const CORP_TABLES = [
  "stores",
  "staff",
  "staff_stores",
  "customers",
  "customer_identities",
  "follow_relations",
  "customer_groups",
  "group_members",
  "group_activity_daily",
  "orders",
] as const;

/** True when there are no staff, customers and orders: a fresh install the demo may fill. */
export async function isDatabaseEmpty(ds: DataSource): Promise<boolean> {
  for (const table of ["staff", "customers", "orders"]) {
    if ((await ds.query(`SELECT 1 AS x FROM ${table} LIMIT 1`)).length) return false;
  }
  return true;
}

/** Thrown when the corp tables already hold data: the demo never mixes with a real corp. */
export class DatabaseNotEmptyError extends Error {
  constructor(readonly table: string) {
    super(`database is not empty (table ${table} has rows); the demo corp is only seeded into an empty database`);
    this.name = "DatabaseNotEmptyError";
  }
}

async function assertEmpty(db: DataSource | EntityManager): Promise<void> {
  for (const table of CORP_TABLES) {
    if ((await db.query(`SELECT 1 AS x FROM ${table} LIMIT 1`)).length) throw new DatabaseNotEmptyError(table);
  }
}

function count(name: string, value: number | undefined, fallback: number): number {
  const n = value ?? fallback;
  if (!Number.isInteger(n) || n < 0) throw new Error(`demo option ${name} must be a whole number, got ${value}`);
  return n;
}

export async function seedDemo(ds: DataSource, opts: DemoOptions = {}): Promise<DemoResult> {
  const seed = count("seed", opts.seed, DEFAULT_DEMO_SEED);
  const customerCount = count("customers", opts.customers, 3000);
  const orderCount = count("orders", opts.orders, 25_000);
  const groupCount = count("groups", opts.groups, 30);
  const days = count("days", opts.days, 60);
  const now = opts.now ?? new Date();
  const progress = opts.onProgress ?? (() => undefined);

  await assertEmpty(ds);
  progress("generating", 0, 1);
  const frame = demoFrame(seed, now);
  const corp = generateCorp(frame, customerCount);
  const orders = generateOrders(frame, corp, orderCount);
  const groups = generateGroups(frame, corp, groupCount, days);
  const logins = demoLogins(corp);
  const hashes = await Promise.all(logins.map((l) => hashPassword(l.password)));
  progress("generating", 1, 1);

  const users = await ds.transaction(async (em) => {
    await assertEmpty(em);
    await writeCorp(em, corp, progress);
    await writeOrders(em, orders, progress);
    await writeGroups(em, groups, progress);
    return writeUsers(em, corp, logins, hashes);
  });

  return {
    stores: corp.stores.length,
    staff: corp.staff.length,
    customers: corp.customers.length,
    followRelations: corp.follows.length,
    orders: orders.length,
    groups: groups.groups.length,
    groupMembers: groups.members.length,
    activityDays: groups.activity.length,
    users,
  };
}

type Progress = (step: string, done: number, total: number) => void;
type Value = string | number | null;

const time = (ms: number): string => sqlTime(new Date(ms));
const timeOrNull = (ms: number | null): string | null => (ms === null ? null : time(ms));
const flag = (b: boolean): number => (b ? 1 : 0);
const cols = (names: string): string[] => names.trim().split(/\s+/);

/** Multi-row INSERTs, each under MAX_PARAMS bound parameters. */
async function insertRows(
  em: EntityManager,
  table: string,
  columns: string[],
  rows: Value[][],
  progress: Progress,
): Promise<void> {
  const perStatement = Math.max(1, Math.floor(MAX_PARAMS / columns.length));
  const tuple = `(${columns.map(() => "?").join(", ")})`;
  progress(table, 0, rows.length);
  for (let i = 0; i < rows.length; i += perStatement) {
    const chunk = rows.slice(i, i + perStatement);
    await em.query(
      `INSERT INTO ${table} (${columns.join(", ")}) VALUES ${chunk.map(() => tuple).join(", ")}`,
      chunk.flat(),
    );
    progress(table, Math.min(i + perStatement, rows.length), rows.length);
  }
}

async function writeCorp(em: EntityManager, corp: DemoCorp, progress: Progress): Promise<void> {
  await insertRows(
    em,
    "stores",
    cols("id code name city created_at updated_at"),
    corp.stores.map((s) => [s.id, s.code, s.name, s.city, time(s.createdAt), time(s.createdAt)]),
    progress,
  );
  await insertRows(
    em,
    "staff",
    cols("id userid name mobile position kind status customer_contact_enabled created_at updated_at"),
    corp.staff.map((s) => [
      s.id,
      s.userid,
      s.name,
      s.mobile,
      s.position,
      s.kind,
      "active",
      1,
      time(s.createdAt),
      time(s.createdAt),
    ]),
    progress,
  );
  await insertRows(
    em,
    "staff_stores",
    cols("staff_id store_id is_manager"),
    corp.staff.filter((s) => s.storeId !== null).map((s) => [s.id, s.storeId, flag(s.isManager)]),
    progress,
  );
  await insertRows(
    em,
    "customers",
    cols("id external_userid name type gender unionid mobile member_no source do_not_disturb created_at updated_at"),
    corp.customers.map((c) => [
      c.id,
      c.externalUserid,
      c.person.name,
      1,
      c.person.gender,
      c.unionid,
      c.mobile,
      c.memberNo,
      "demo",
      flag(c.doNotDisturb),
      time(c.acquiredAt),
      time(c.updatedAt),
    ]),
    progress,
  );
  const identities: Value[][] = [];
  for (const c of corp.customers) {
    const keys: [string, string | null][] = [
      ["external_userid", c.externalUserid],
      ["mobile", c.mobile],
      ["unionid", c.unionid],
      ["member_no", c.memberNo],
    ];
    for (const [kind, value] of keys) {
      if (value !== null) identities.push([identities.length + 1, c.id, kind, value, time(c.acquiredAt)]);
    }
  }
  await insertRows(em, "customer_identities", cols("id customer_id kind value created_at"), identities, progress);
  await insertRows(
    em,
    "follow_relations",
    cols(`
      id customer_id staff_id remark description remark_mobiles add_way state oper_userid added_at
      status ended_at created_at updated_at
    `),
    corp.follows.map((f) => [
      f.id,
      f.customerId,
      f.staffId,
      f.remark,
      f.description,
      f.remarkMobiles ? JSON.stringify(f.remarkMobiles) : null,
      f.addWay,
      f.state,
      f.operUserid,
      time(f.addedAt),
      f.status,
      timeOrNull(f.endedAt),
      time(f.addedAt),
      time(f.endedAt ?? f.addedAt),
    ]),
    progress,
  );
}

async function writeOrders(em: EntityManager, orders: DemoOrder[], progress: Progress): Promise<void> {
  await insertRows(
    em,
    "orders",
    cols(`
      id order_no customer_ref customer_id paid_at amount_cents refund_cents status store_code
      store_id source created_at updated_at
    `),
    orders.map((o) => [
      o.id,
      o.orderNo,
      o.customerRef,
      o.customerId,
      time(o.paidAt),
      o.amountCents,
      o.refundCents,
      o.status,
      o.storeCode,
      o.storeId,
      "demo",
      time(o.createdAt),
      time(o.updatedAt),
    ]),
    progress,
  );
}

async function writeGroups(em: EntityManager, data: DemoGroups, progress: Progress): Promise<void> {
  await insertRows(
    em,
    "customer_groups",
    cols(`
      id chat_id name owner_staff_id owner_userid notice wecom_status status member_version
      member_count wecom_created_at created_at updated_at
    `),
    data.groups.map((g) => [
      g.id,
      g.chatId,
      g.name,
      g.ownerStaffId,
      g.ownerUserid,
      g.notice,
      0,
      "active",
      g.memberVersion,
      g.memberCount,
      time(g.wecomCreatedAt),
      time(g.wecomCreatedAt),
      time(g.updatedAt),
    ]),
    progress,
  );
  await insertRows(
    em,
    "group_members",
    cols(`
      id group_id member_id member_type customer_id staff_id unionid name group_nickname joined_at
      join_scene invitor_userid state is_admin left_at last_message_at message_count created_at
      updated_at
    `),
    data.members.map((m) => [
      m.id,
      m.groupId,
      m.memberId,
      m.memberType,
      m.customerId,
      m.staffId,
      m.unionid,
      m.name,
      m.groupNickname,
      time(m.joinedAt),
      m.joinScene,
      m.invitorUserid,
      m.state,
      flag(m.isAdmin),
      timeOrNull(m.leftAt),
      timeOrNull(m.lastMessageAt),
      m.messageCount,
      time(m.joinedAt),
      time(m.updatedAt),
    ]),
    progress,
  );
  await insertRows(
    em,
    "group_activity_daily",
    cols("group_id day source messages active_members joins leaves member_total updated_at"),
    data.activity.map((a) => [
      a.groupId,
      a.day,
      "bot",
      a.messages,
      a.activeMembers,
      a.joins,
      a.leaves,
      a.memberTotal,
      time(a.updatedAt),
    ]),
    progress,
  );
}

interface DemoLogin {
  username: string;
  password: string;
  role: "hq_admin" | "hq_operator" | "store_manager";
  displayName: string;
  staffId: number | null;
  storeIds: number[];
}

/** Demo-only credentials, printed at start: never a way into a real corp's data. */
function demoLogins(corp: DemoCorp): DemoLogin[] {
  const operator = corp.staff.find((s) => s.kind === "operator")!;
  const logins: DemoLogin[] = [
    {
      username: "admin",
      password: "siyu-demo-admin",
      role: "hq_admin",
      displayName: "总部管理员",
      staffId: null,
      storeIds: [],
    },
    {
      username: "operator",
      password: "siyu-demo-operator",
      role: "hq_operator",
      displayName: operator.name,
      staffId: operator.id,
      storeIds: [],
    },
  ];
  for (const s of corp.staff.filter((m) => m.isManager && m.storeId !== null)) {
    const store = corp.stores.find((st) => st.id === s.storeId)!;
    logins.push({
      username: `manager.${store.code.toLowerCase()}`,
      password: "siyu-demo-manager",
      role: "store_manager",
      displayName: s.name,
      staffId: s.id,
      storeIds: [store.id],
    });
  }
  return logins;
}

/**
 * Users may exist before the first start (an admin created from the command line): those
 * usernames are left alone and new logins take the ids after the highest one.
 */
async function writeUsers(
  em: EntityManager,
  corp: DemoCorp,
  logins: DemoLogin[],
  hashes: string[],
): Promise<DemoResult["users"]> {
  const existing: { id: number | string; username: string }[] = await em.query("SELECT id, username FROM users");
  const taken = new Set(existing.map((u) => u.username));
  let nextId = existing.reduce((max, u) => Math.max(max, Number(u.id)), 0) + 1;
  const createdAt = time(Math.min(...corp.stores.map((s) => s.createdAt)));
  const users: Value[][] = [];
  const userStores: Value[][] = [];
  const result: DemoResult["users"] = [];
  logins.forEach((l, i) => {
    if (taken.has(l.username)) return;
    const id = nextId++;
    users.push([id, l.username, hashes[i], l.displayName, l.role, l.staffId, "active", createdAt, createdAt]);
    for (const storeId of l.storeIds) userStores.push([id, storeId]);
    result.push({ username: l.username, password: l.password, role: l.role, displayName: l.displayName });
  });
  const noop = () => undefined;
  await insertRows(
    em,
    "users",
    cols("id username password_hash display_name role staff_id status created_at updated_at"),
    users,
    noop,
  );
  await insertRows(em, "user_stores", cols("user_id store_id"), userStores, noop);
  return result;
}
