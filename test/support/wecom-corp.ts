import type { SimCorpSeed, SimFollow, SimGroup } from "../../server/src/wecom/simulator/index.ts";

/**
 * A small corp for WeCom tests, built deterministically: 3 guides (one without an interop
 * licence when asked), N customers each followed by one guide and every 7th by two, a corp tag
 * group, and groups owned by the guides with customers and the owner as members.
 */
export function smallCorpSeed(opts: { customers?: number; groups?: number; unlicensed?: boolean } = {}): SimCorpSeed {
  const n = opts.customers ?? 250;
  const staff = ["li.na", "wang.fang", "zhang.wei"].map((userid, i) => ({
    userid,
    name: ["李娜", "王芳", "张伟"][i]!,
    mobile: `1380000000${i}`,
    position: "导购",
    department: [1],
    customerContact: true,
    licensed: !(opts.unlicensed && i === 2),
  }));
  const customers = Array.from({ length: n }, (_, i) => ({
    external_userid: `wmTEST${String(i).padStart(5, "0")}`,
    name: `客户${i}`,
    type: 1 as const,
    gender: (i % 3) as 0 | 1 | 2,
    ...(i % 2 === 0 ? { unionid: `oUNION${i}` } : {}),
  }));
  const base = 1_730_000_000;
  const follows: SimFollow[] = [];
  customers.forEach((c, i) => {
    follows.push({
      userid: staff[i % 3]!.userid,
      external_userid: c.external_userid,
      createtime: base + i * 60,
      tag_ids: i % 5 === 0 ? ["etVIP"] : [],
      add_way: 1,
      ...(i % 4 === 0 ? { state: "store_qr_SH01", remark: `备注${i}` } : {}),
    });
    if (i % 7 === 0)
      follows.push({
        userid: staff[(i + 1) % 3]!.userid,
        external_userid: c.external_userid,
        createtime: base + i * 60 + 30,
        tag_ids: [],
        add_way: 201,
      });
  });
  const groups: SimGroup[] = Array.from({ length: opts.groups ?? 3 }, (_, g) => {
    const owner = staff[g % 3]!.userid;
    const members = customers.filter((_, i) => i % 3 === g % 3).slice(0, 20);
    return {
      chat_id: `wrGROUP${g}`,
      name: `测试群${g}`,
      owner,
      create_time: base,
      status: 0,
      admins: [],
      member_version: `v${g}-1`,
      members: [
        { userid: owner, type: 1, join_time: base, join_scene: 1 },
        ...members.map((c, k) => ({
          userid: c.external_userid,
          type: 2 as const,
          join_time: base + k,
          join_scene: 3 as const,
          ...(c.unionid ? { unionid: c.unionid } : {}),
        })),
      ],
    };
  });
  return {
    corpId: "wwTESTCORP0000001",
    agentId: 1000002,
    secret: "sim-secret-for-tests",
    callbackToken: "SiyuTestToken1",
    callbackAesKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    staff,
    customers,
    follows,
    groups,
    tagGroups: [
      {
        group_id: "etGROUP1",
        group_name: "客户等级",
        order: 1,
        create_time: base,
        tags: [{ id: "etVIP", name: "VIP", order: 1, create_time: base }],
      },
    ],
  };
}
