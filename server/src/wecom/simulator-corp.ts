import { randomBytes } from "node:crypto";
import type { DataSource } from "typeorm";
import { readTime } from "../db/dialect.ts";
import type { SimCorpSeed, SimGroup } from "./simulator/index.ts";

const unix = (v: unknown) => Math.floor((readTime(v)?.getTime() ?? 0) / 1000);
const parse = (v: unknown): string[] => (typeof v === "string" && v ? (JSON.parse(v) as string[]) : []);

/**
 * The simulated corp for the demo: exactly what the database holds (which the demo generator
 * wrote), so a sync against it changes nothing and callbacks from it build on the same people.
 * The corp's credentials are made up per start; they never leave this process.
 */
export async function simulatorCorpFromDatabase(ds: DataSource, corpId = "wwsiyudemo0000001"): Promise<SimCorpSeed> {
  const staff: {
    userid: string;
    name: string;
    mobile: string | null;
    position: string | null;
    cc: unknown;
    status: string;
  }[] = await ds.query(
    "SELECT userid, name, mobile, position, customer_contact_enabled AS cc, status FROM staff ORDER BY id",
  );
  const customers: {
    external_userid: string;
    name: string;
    avatar: string | null;
    type: unknown;
    gender: unknown;
    unionid: string | null;
    corp_name: string | null;
  }[] = await ds.query(
    "SELECT external_userid, name, avatar, type, gender, unionid, corp_name FROM customers WHERE external_userid IS NOT NULL ORDER BY id",
  );
  const follows: Record<string, unknown>[] = await ds.query(
    `SELECT s.userid, c.external_userid, f.remark, f.description, f.added_at, f.wecom_tag_ids, f.remark_mobiles, f.add_way, f.state, f.oper_userid
       FROM follow_relations f JOIN staff s ON s.id = f.staff_id JOIN customers c ON c.id = f.customer_id
      WHERE f.status = 'active' AND c.external_userid IS NOT NULL ORDER BY f.id`,
  );
  const groups: Record<string, unknown>[] = await ds.query(
    "SELECT id, chat_id, name, owner_userid, wecom_created_at, notice, member_version FROM customer_groups WHERE status = 'active' ORDER BY id",
  );
  const members: Record<string, unknown>[] = await ds.query(
    `SELECT m.group_id, m.member_id, m.member_type, m.unionid, m.joined_at, m.join_scene, m.invitor_userid, m.group_nickname, m.name, m.state, m.is_admin
       FROM group_members m JOIN customer_groups g ON g.id = m.group_id WHERE g.status = 'active' AND m.left_at IS NULL ORDER BY m.id`,
  );
  const byGroup = new Map<number, Record<string, unknown>[]>();
  for (const m of members) {
    const id = Number(m.group_id);
    if (!byGroup.has(id)) byGroup.set(id, []);
    byGroup.get(id)!.push(m);
  }
  return {
    corpId,
    agentId: 1000002,
    secret: randomBytes(24).toString("hex"),
    callbackToken: randomBytes(12).toString("hex"),
    callbackAesKey: randomBytes(32)
      .toString("base64")
      .replace(/[^A-Za-z0-9]/g, "A")
      .slice(0, 43),
    staff: staff.map((s) => ({
      userid: s.userid,
      name: s.name,
      mobile: s.mobile ?? undefined,
      position: s.position ?? undefined,
      department: [1],
      customerContact: Boolean(Number(s.cc)) && s.status === "active",
    })),
    customers: customers.map((c) => ({
      external_userid: c.external_userid,
      name: c.name,
      avatar: c.avatar ?? undefined,
      type: Number(c.type) === 2 ? 2 : 1,
      gender: (Number(c.gender) as 0 | 1 | 2) ?? 0,
      unionid: c.unionid ?? undefined,
      corp_name: c.corp_name ?? undefined,
    })),
    follows: follows.map((f) => ({
      userid: String(f.userid),
      external_userid: String(f.external_userid),
      remark: (f.remark as string) ?? undefined,
      description: (f.description as string) ?? undefined,
      createtime: unix(f.added_at),
      tag_ids: parse(f.wecom_tag_ids),
      remark_mobiles: parse(f.remark_mobiles),
      add_way: Number(f.add_way),
      state: (f.state as string) ?? undefined,
      oper_userid: (f.oper_userid as string) ?? undefined,
    })),
    tagGroups: [],
    groups: groups.map((g): SimGroup => {
      const ms = byGroup.get(Number(g.id)) ?? [];
      return {
        chat_id: String(g.chat_id),
        name: String(g.name),
        owner: String(g.owner_userid),
        create_time: unix(g.wecom_created_at),
        notice: (g.notice as string) ?? undefined,
        status: 0,
        member_version: (g.member_version as string) ?? "0",
        admins: ms.filter((m) => Number(m.is_admin) && m.member_id !== g.owner_userid).map((m) => String(m.member_id)),
        members: ms.map((m) => ({
          userid: String(m.member_id),
          type: Number(m.member_type) === 1 ? 1 : 2,
          unionid: (m.unionid as string) ?? undefined,
          join_time: unix(m.joined_at),
          join_scene: ([1, 2, 3].includes(Number(m.join_scene)) ? Number(m.join_scene) : 1) as 1 | 2 | 3,
          invitor: (m.invitor_userid as string) ?? undefined,
          group_nickname: (m.group_nickname as string) ?? undefined,
          name: (m.name as string) ?? undefined,
          state: (m.state as string) ?? undefined,
        })),
      };
    }),
  };
}
