import { z } from "zod";
import type { ApiTable } from "../api.ts";
import { invalidParam, parseBody, WecomError } from "../errors.ts";
import type { SimCustomer, SimFollow, SimState } from "../model.ts";
import { clampLimit, pageOf } from "../paging.ts";
import { findTag, followsOf, isLicensed } from "../state.ts";

/** Members and customers (wecom.md §2; user/get is the standard 通讯录 read). */
export function contactRoutes(): ApiTable {
  return {
    "user/get": {
      method: "GET",
      handle: ({ state, query }) => {
        if (!query.userid) throw invalidParam("userid is required");
        const m = state.staff.get(query.userid);
        if (!m) throw new WecomError(60111, "userid not found");
        return {
          userid: m.userid,
          name: m.name,
          mobile: m.mobile ?? "",
          department: m.department ?? [1],
          position: m.position ?? "",
          avatar: m.avatar ?? "",
          status: 1,
        };
      },
    },

    "externalcontact/get_follow_user_list": {
      method: "GET",
      handle: ({ state }) => ({
        follow_user: [...state.staff.values()].filter((m) => m.customerContact).map((m) => m.userid),
      }),
    },

    "externalcontact/list": {
      method: "GET",
      handle: ({ state, query }) => {
        if (!query.userid) throw invalidParam("userid is required");
        const m = state.staff.get(query.userid);
        if (!m) throw new WecomError(60111, "userid not found");
        const ids = [...state.follows.values()].filter((f) => f.userid === m.userid).map((f) => f.external_userid);
        // What WeCom answers for a member without customers (see WxJava issue #1528).
        if (!m.customerContact || !ids.length) throw new WecomError(84061, "not external contact");
        return { external_userid: ids };
      },
    },

    "externalcontact/get": {
      method: "GET",
      handle: ({ state, query }) => {
        if (!query.external_userid) throw new WecomError(41035, "external_userid missing");
        const customer = state.customers.get(query.external_userid);
        if (!customer) throw new WecomError(40096, "invalid external userid");
        const follows = followsOf(state, customer.external_userid);
        if (!follows.length) throw new WecomError(84061, "not external contact");
        const { page, next_cursor } = pageOf(follows, query.cursor, 500);
        return {
          external_contact: externalContactView(customer),
          follow_user: page.map((f) => followUserView(state, f)),
          next_cursor,
        };
      },
    },

    "externalcontact/batch/get_by_user": {
      method: "POST",
      handle: ({ state, body }) => batchGetByUser(state, parseBody(batchSchema, body)),
    },
  };
}

const batchSchema = z.object({
  userid_list: z.array(z.string()).min(1, "userid_list is required").max(100, "userid_list holds at most 100 userids"),
  cursor: z.string().optional(),
  limit: z.number().int().optional(),
});

/** One entry per (customer, listed member), ordered by userid_list then external_userid. */
function batchGetByUser(state: SimState, req: z.infer<typeof batchSchema>) {
  const listed = [...new Set(req.userid_list)].filter((u) => state.staff.has(u));
  if (!listed.length) throw new WecomError(60111, "userid not found");
  const unlicensed = listed.filter((u) => !isLicensed(state.staff.get(u)!));
  if (unlicensed.length === listed.length) throw new WecomError(701008, "no valid user with interop license");

  const byUser = new Map<string, SimFollow[]>();
  for (const f of state.follows.values()) {
    if (!state.customers.has(f.external_userid)) continue;
    const list = byUser.get(f.userid);
    if (list) list.push(f);
    else byUser.set(f.userid, [f]);
  }
  const entries = listed
    .filter((u) => !unlicensed.includes(u))
    .flatMap((u) => (byUser.get(u) ?? []).sort((a, b) => (a.external_userid < b.external_userid ? -1 : 1)));

  const { page, next_cursor } = pageOf(entries, req.cursor, clampLimit(req.limit, 50, 100));
  return {
    external_contact_list: page.map((f) => ({
      external_contact: externalContactView(state.customers.get(f.external_userid)!),
      follow_info: followInfoView(state, f),
    })),
    next_cursor,
    ...(unlicensed.length ? { fail_info: { unlicensed_userid_list: unlicensed } } : {}),
  };
}

export function externalContactView(c: SimCustomer) {
  return {
    external_userid: c.external_userid,
    name: c.name,
    avatar: c.avatar ?? "",
    type: c.type,
    gender: c.gender,
    ...(c.unionid ? { unionid: c.unionid } : {}),
    // corp fields exist only for WeCom users (type 2)
    ...(c.type === 2 && c.corp_name ? { corp_name: c.corp_name, corp_full_name: c.corp_name } : {}),
  };
}

function followCommon(f: SimFollow) {
  return {
    userid: f.userid,
    remark: f.remark ?? "",
    description: f.description ?? "",
    createtime: f.createtime,
    remark_corp_name: "",
    remark_mobiles: f.remark_mobiles ?? [],
    oper_userid: f.oper_userid ?? f.userid,
    add_way: f.add_way,
    ...(f.state ? { state: f.state } : {}),
  };
}

function followUserView(state: SimState, f: SimFollow) {
  const tags = f.tag_ids.flatMap((id) => {
    const found = findTag(state, id);
    return found ? [{ group_name: found.group.group_name, tag_name: found.tag.name, type: 1, tag_id: id }] : [];
  });
  return { ...followCommon(f), tags };
}

function followInfoView(state: SimState, f: SimFollow) {
  return { ...followCommon(f), tag_id: f.tag_ids.filter((id) => findTag(state, id)) };
}
