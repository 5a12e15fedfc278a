import type { DataSource } from "typeorm";
import { num, placeholders } from "../../db/dialect.ts";
import type { UserView } from "../auth/auth.schemas.ts";

/** Stores and staff for pickers and filters; a store manager sees only their stores. */
export class DirectoryService {
  constructor(private readonly ds: DataSource) {}

  async stores(user: UserView) {
    const scoped = user.role === "store_manager";
    if (scoped && user.storeIds.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT st.id, st.code, st.name, st.city,
              (SELECT COUNT(*) FROM staff_stores ss WHERE ss.store_id = st.id) AS staff_count
         FROM stores st${scoped ? ` WHERE st.id IN (${placeholders(user.storeIds.length)})` : ""} ORDER BY st.code`,
      scoped ? user.storeIds : [],
    );
    return rows.map((r) => ({
      id: num(r.id),
      code: String(r.code),
      name: String(r.name),
      city: (r.city as string) ?? null,
      staffCount: num(r.staff_count),
    }));
  }

  async staff(user: UserView) {
    const scoped = user.role === "store_manager";
    if (scoped && user.storeIds.length === 0) return [];
    const rows: Record<string, unknown>[] = await this.ds.query(
      `SELECT s.id, s.userid, s.name, s.kind, s.status, ss.store_id,
              (SELECT COUNT(*) FROM follow_relations f WHERE f.staff_id = s.id AND f.status = 'active') AS customers
         FROM staff s LEFT JOIN staff_stores ss ON ss.staff_id = s.id
        ${scoped ? `WHERE s.id IN (SELECT staff_id FROM staff_stores WHERE store_id IN (${placeholders(user.storeIds.length)}))` : ""}
        ORDER BY s.userid`,
      scoped ? user.storeIds : [],
    );
    const byId = new Map<
      number,
      { id: number; userid: string; name: string; kind: string; status: string; customers: number; storeIds: number[] }
    >();
    for (const r of rows) {
      const id = num(r.id);
      if (!byId.has(id))
        byId.set(id, {
          id,
          userid: String(r.userid),
          name: String(r.name),
          kind: String(r.kind),
          status: String(r.status),
          customers: num(r.customers),
          storeIds: [],
        });
      if (r.store_id !== null) byId.get(id)!.storeIds.push(num(r.store_id));
    }
    return [...byId.values()];
  }
}
