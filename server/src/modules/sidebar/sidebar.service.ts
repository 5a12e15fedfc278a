import type { DataSource } from "typeorm";
import { num } from "../../db/dialect.ts";
import { NotFoundError } from "../../http/errors.ts";
import { Staff } from "../staff/staff.entity.ts";
import type { SidebarMe, SidebarStaffView } from "./sidebar.schemas.ts";

/** What a guide sees about themselves; every figure is limited to their own follow relations. */
export class SidebarService {
  constructor(private readonly ds: DataSource) {}

  /** The session's staff member while still active: read on every sidebar request, so one plain query. */
  async activeStaff(id: number): Promise<{ id: number; userid: string } | null> {
    const [row] = await this.ds.query("SELECT id, userid FROM staff WHERE id = ? AND status = 'active'", [id]);
    return row ? { id: num(row.id), userid: String(row.userid) } : null;
  }

  async staffByUserid(userid: string): Promise<Staff> {
    const staff = await this.ds.getRepository(Staff).findOneBy({ userid, status: "active" });
    if (!staff) throw new NotFoundError(`No active staff member ${userid}`);
    return staff;
  }

  async me(staffId: number): Promise<SidebarMe> {
    const staff = await this.ds.getRepository(Staff).findOneBy({ id: staffId, status: "active" });
    if (!staff) throw new NotFoundError();
    const [customers, groups, tasks] = await Promise.all([
      this.ds.query("SELECT COUNT(*) AS n FROM follow_relations WHERE staff_id = ? AND status = 'active'", [staffId]),
      this.ds.query(
        `SELECT COUNT(DISTINCT g.id) AS n FROM customer_groups g
           LEFT JOIN group_members m ON m.group_id = g.id AND m.staff_id = ? AND m.is_admin = 1 AND m.left_at IS NULL
          WHERE g.status = 'active' AND (g.owner_staff_id = ? OR m.id IS NOT NULL)`,
        [staffId, staffId],
      ),
      this.ds.query("SELECT COUNT(*) AS n FROM tasks WHERE staff_id = ? AND status IN ('open', 'overdue')", [staffId]),
    ]);
    return {
      staff: await this.view(staff),
      customerCount: num(customers[0]?.n),
      groupCount: num(groups[0]?.n),
      openTaskCount: num(tasks[0]?.n),
    };
  }

  /** The dev bridge's staff picker (simulator mode only). */
  async listStaffForDevBridge(): Promise<{ userid: string; name: string; storeName: string | null }[]> {
    const rows: { userid: string; name: string; store_name: string | null }[] = await this.ds.query(
      `SELECT s.userid, s.name, MIN(st.name) AS store_name FROM staff s
         LEFT JOIN staff_stores ss ON ss.staff_id = s.id LEFT JOIN stores st ON st.id = ss.store_id
        WHERE s.status = 'active' AND s.customer_contact_enabled = 1
        GROUP BY s.id, s.userid, s.name ORDER BY s.userid`,
    );
    return rows.map((r) => ({ userid: r.userid, name: r.name, storeName: r.store_name }));
  }

  async view(staff: Staff): Promise<SidebarStaffView> {
    const stores: { id: unknown; name: string }[] = await this.ds.query(
      "SELECT st.id, st.name FROM staff_stores ss JOIN stores st ON st.id = ss.store_id WHERE ss.staff_id = ? ORDER BY st.id",
      [staff.id],
    );
    return {
      userid: staff.userid,
      name: staff.name,
      avatar: staff.avatar,
      stores: stores.map((s) => ({ id: num(s.id), name: s.name })),
    };
  }
}
