import { z } from "zod";
import { nowS, type ApiTable } from "../api.ts";
import { invalidParam, parseBody, WecomError } from "../errors.ts";
import { followKey, type SimState, type SimTag, type SimTagGroup } from "../model.ts";
import { findTag, nextId, tagCount } from "../state.ts";

const TAG_CAP = 3000;
const NAME_MAX = 30;

/** Corp customer tags (wecom.md §3). The app may edit or delete only what it created. */
export function tagRoutes(): ApiTable {
  return {
    "externalcontact/get_corp_tag_list": {
      method: "POST",
      handle: ({ state, body }) => ({ tag_group: tagList(state, parseBody(listSchema, body)) }),
    },
    "externalcontact/add_corp_tag": {
      method: "POST",
      handle: (c) => ({ tag_group: addTags(c.state, parseBody(addSchema, c.body), nowS(c)) }),
    },
    "externalcontact/edit_corp_tag": {
      method: "POST",
      handle: ({ state, body }) => (editTag(state, parseBody(editSchema, body)), {}),
    },
    "externalcontact/del_corp_tag": {
      method: "POST",
      handle: ({ state, body }) => (deleteTags(state, parseBody(delSchema, body)), {}),
    },
    "externalcontact/mark_tag": {
      method: "POST",
      handle: ({ state, body }) => (markTag(state, parseBody(markSchema, body)), {}),
    },
  };
}

const ids = z.array(z.string()).optional();
const listSchema = z.object({ tag_id: ids, group_id: ids });
const addSchema = z.object({
  group_id: z.string().optional(),
  group_name: z.string().optional(),
  order: z.number().int().optional(),
  tag: z.array(z.object({ name: z.string(), order: z.number().int().optional() })).min(1, "tag may not be empty"),
});
const editSchema = z.object({
  id: z.string().min(1, "id is required"),
  name: z.string().optional(),
  order: z.number().int().optional(),
});
const delSchema = z.object({ tag_id: ids, group_id: ids });
const markSchema = z.object({
  userid: z.string().min(1, "userid is required"),
  external_userid: z.string().min(1, "external_userid is required"),
  add_tag: ids,
  remove_tag: ids,
});

const byOrderDesc = (a: { order: number }, b: { order: number }) => b.order - a.order;

function tagView(t: SimTag, deleted?: boolean) {
  return {
    id: t.id,
    name: t.name,
    create_time: t.create_time,
    order: t.order,
    ...(deleted === undefined ? {} : { deleted }),
  };
}

/** `deleted` is given only when the list was filtered by id (wecom.md §3.1). */
function groupView(g: Omit<SimTagGroup, "tags">, tags: SimTag[], deleted?: { group: boolean; tags: boolean }) {
  return {
    group_id: g.group_id,
    group_name: g.group_name,
    create_time: g.create_time,
    order: g.order,
    ...(deleted ? { deleted: deleted.group } : {}),
    tag: [...tags].sort(byOrderDesc).map((t) => tagView(t, deleted?.tags)),
  };
}

/** group_id wins over tag_id; `deleted` appears only when filtering, and then deleted ids are answered too. */
function tagList(state: SimState, req: z.infer<typeof listSchema>) {
  if (req.group_id?.length) {
    return req.group_id.flatMap((id) => {
      const live = state.tagGroups.get(id);
      if (live) return [groupView(live, live.tags, { group: false, tags: false })];
      const tomb = state.tagTombstones.get(id);
      if (!tomb || tomb.tag) return [];
      const tags = [...state.tagTombstones.values()].filter((t) => t.tag && t.group.group_id === id).map((t) => t.tag!);
      return [groupView(tomb.group, tags, { group: true, tags: true })];
    });
  }
  if (req.tag_id?.length) {
    const out = new Map<string, ReturnType<typeof groupView>>();
    for (const id of req.tag_id) {
      const live = findTag(state, id);
      const tomb = live ? undefined : state.tagTombstones.get(id);
      const group = live?.group ?? tomb?.group;
      const tag = live?.tag ?? tomb?.tag;
      if (!group || !tag) continue;
      const view =
        out.get(group.group_id) ?? groupView(group, [], { group: !state.tagGroups.has(group.group_id), tags: false });
      view.tag.push(tagView(tag, !live));
      out.set(group.group_id, view);
    }
    return [...out.values()];
  }
  return [...state.tagGroups.values()].sort(byOrderDesc).map((g) => groupView(g, g.tags));
}

function checkName(name: string, field: string): void {
  if (!name.trim()) throw invalidParam(`${field} may not be empty`);
  if ([...name].length > NAME_MAX) throw invalidParam(`${field} is longer than ${NAME_MAX} characters`);
}

function freshId(state: SimState, prefix: string): string {
  let id = nextId(state, prefix);
  while (state.tagGroups.has(id) || findTag(state, id)) id = nextId(state, prefix);
  return id;
}

function addTags(state: SimState, req: z.infer<typeof addSchema>, now: number) {
  // Duplicate names within one call create one tag (wecom.md §3.2).
  const wanted = [...new Map(req.tag.map((t) => [t.name, t])).values()];
  wanted.forEach((t) => checkName(t.name, "tag.name"));
  let group: SimTagGroup | undefined;
  if (req.group_id) {
    group = state.tagGroups.get(req.group_id);
    if (!group) throw new WecomError(40068, "invalid tagid");
  } else if (req.group_name !== undefined) {
    checkName(req.group_name, "group_name");
    group = [...state.tagGroups.values()].find((g) => g.group_name === req.group_name);
  } else {
    throw invalidParam("group_id or group_name is required");
  }
  const existing = group?.tags ?? [];
  if (wanted.some((t) => existing.some((e) => e.name === t.name)))
    throw new WecomError(40071, "tag name already exists");
  if (tagCount(state) + wanted.length > TAG_CAP) throw new WecomError(40126, "corp tag count exceeds the limit");

  if (!group) {
    group = {
      group_id: freshId(state, "etsimgrp"),
      group_name: req.group_name!,
      order: req.order ?? 0,
      create_time: now,
      created_by_app: true,
      tags: [],
    };
    state.tagGroups.set(group.group_id, group);
  }
  const created = wanted.map((t) => ({
    id: freshId(state, "etsimtag"),
    name: t.name,
    order: t.order ?? 0,
    create_time: now,
    created_by_app: true,
  }));
  group.tags.push(...created);
  return groupView(group, created);
}

const ownsTag = (g: SimTagGroup, t: SimTag) => t.created_by_app ?? g.created_by_app ?? false;

function editTag(state: SimState, req: z.infer<typeof editSchema>): void {
  if (req.name !== undefined) checkName(req.name, "name");
  const group = state.tagGroups.get(req.id);
  if (group) {
    if (!group.created_by_app) throw new WecomError(48002, "api forbidden: the tag group was not created by this app");
    if (req.name !== undefined && [...state.tagGroups.values()].some((g) => g !== group && g.group_name === req.name))
      throw new WecomError(40071, "tag group name already exists");
    if (req.name !== undefined) group.group_name = req.name;
    if (req.order !== undefined) group.order = req.order;
    return;
  }
  const found = findTag(state, req.id);
  if (!found) throw new WecomError(40068, "invalid tagid");
  if (!ownsTag(found.group, found.tag))
    throw new WecomError(48002, "api forbidden: the tag was not created by this app");
  if (req.name !== undefined && found.group.tags.some((t) => t !== found.tag && t.name === req.name))
    throw new WecomError(40071, "tag name already exists");
  if (req.name !== undefined) found.tag.name = req.name;
  if (req.order !== undefined) found.tag.order = req.order;
}

/** All ids are checked before anything is deleted, so a refused call changes nothing. */
function deleteTags(state: SimState, req: z.infer<typeof delSchema>): void {
  const tagIds = req.tag_id ?? [];
  const groupIds = req.group_id ?? [];
  if (!tagIds.length && !groupIds.length) throw invalidParam("tag_id and group_id may not both be empty");
  for (const id of groupIds) {
    const g = state.tagGroups.get(id);
    if (!g) throw new WecomError(40068, "invalid tag group id");
    if (!g.created_by_app) throw new WecomError(48002, "api forbidden: the tag group was not created by this app");
  }
  for (const id of tagIds) {
    const found = findTag(state, id);
    if (!found) throw new WecomError(40068, "invalid tagid");
    if (!ownsTag(found.group, found.tag))
      throw new WecomError(48002, "api forbidden: the tag was not created by this app");
  }

  const removed = new Set<string>();
  const bury = (g: SimTagGroup, t: SimTag) => {
    const { tags: _tags, ...group } = g;
    state.tagTombstones.set(t.id, { group, tag: t });
    removed.add(t.id);
  };
  const buryGroup = (g: SimTagGroup) => {
    const { tags: _tags, ...group } = g;
    state.tagTombstones.set(g.group_id, { group });
    state.tagGroups.delete(g.group_id);
  };
  for (const id of tagIds) {
    const found = findTag(state, id);
    if (!found) continue;
    bury(found.group, found.tag);
    found.group.tags = found.group.tags.filter((t) => t !== found.tag);
    if (!found.group.tags.length) buryGroup(found.group); // empty groups are not allowed
  }
  for (const id of groupIds) {
    const g = state.tagGroups.get(id);
    if (!g) continue;
    g.tags.forEach((t) => bury(g, t));
    buryGroup(g);
  }
  // A deleted corp tag disappears from every customer carrying it.
  for (const f of state.follows.values())
    if (f.tag_ids.some((id) => removed.has(id))) f.tag_ids = f.tag_ids.filter((id) => !removed.has(id));
}

function markTag(state: SimState, req: z.infer<typeof markSchema>): void {
  const add = req.add_tag ?? [];
  const remove = req.remove_tag ?? [];
  if (!add.length && !remove.length) throw invalidParam("add_tag and remove_tag may not both be empty");
  if (!state.staff.has(req.userid)) throw new WecomError(60111, "userid not found");
  const follow = state.follows.get(followKey(req.userid, req.external_userid));
  if (!follow) throw new WecomError(84061, "not external contact");
  for (const id of [...add, ...remove]) if (!findTag(state, id)) throw new WecomError(40068, `invalid tagid: ${id}`);
  const next = [...follow.tag_ids];
  for (const id of add) if (!next.includes(id)) next.push(id);
  follow.tag_ids = next.filter((id) => !remove.includes(id));
}
