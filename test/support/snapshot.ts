import type { DataSource } from "typeorm";

/** A database-independent picture of what WeCom data Siyu holds, to compare two runs. */
export async function wecomSnapshot(ds: DataSource): Promise<Record<string, unknown[]>> {
  const q = (sql: string) => ds.query(sql);
  const iso = (v: unknown) =>
    v === null || v === undefined
      ? null
      : new Date(
          v instanceof Date ? v : String(v).replace(" ", "T") + (String(v).includes("Z") ? "" : "Z"),
        ).toISOString();
  return {
    staff: await q("SELECT userid, name, status, customer_contact_enabled AS cc FROM staff ORDER BY userid"),
    customers: (await q(
      "SELECT external_userid, name, unionid, gender, type FROM customers ORDER BY external_userid",
    )) as unknown[],
    identities: await q(
      "SELECT c.external_userid, i.kind, i.value FROM customer_identities i JOIN customers c ON c.id = i.customer_id ORDER BY i.kind, i.value",
    ),
    relations: (
      await q(`SELECT c.external_userid, s.userid, f.remark, f.state, f.add_way, f.status, f.wecom_tag_ids, f.added_at
                 FROM follow_relations f JOIN customers c ON c.id = f.customer_id JOIN staff s ON s.id = f.staff_id
                ORDER BY c.external_userid, s.userid`)
    ).map((r: Record<string, unknown>) => ({ ...r, added_at: iso(r.added_at), add_way: Number(r.add_way) })),
    tags: await q("SELECT code, name, source FROM tags WHERE deleted_at IS NULL ORDER BY code"),
    groups: await q(
      "SELECT chat_id, name, owner_userid, status, member_version, member_count FROM customer_groups ORDER BY chat_id",
    ),
    members: await q(
      `SELECT g.chat_id, m.member_id, m.member_type, m.join_scene, m.left_at IS NULL AS present FROM group_members m
         JOIN customer_groups g ON g.id = m.group_id ORDER BY g.chat_id, m.member_id`,
    ),
  };
}
