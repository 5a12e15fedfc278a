import type { DataSource } from "typeorm";
import { num } from "../../db/dialect.ts";
import { MASS_SEND_MAX_RECIPIENTS } from "./mass-send-content.ts";

/** Pending targets of one mass-send slice, numbered over all the task's targets of the variant. */
export async function massSendRecipients(ds: DataSource, taskId: number, variant: string, chunk: number) {
  const rows: { id: unknown; external_userid: string | null }[] = await ds.query(
    `SELECT x.id, c.external_userid
       FROM (SELECT t.id, t.customer_id, t.status, ROW_NUMBER() OVER (ORDER BY t.id) AS rn
               FROM targets t WHERE t.task_id = ? AND t.variant = ?) x
       JOIN customers c ON c.id = x.customer_id
      WHERE x.rn > ? AND x.rn <= ? AND x.status = 'pending'
      ORDER BY x.id`,
    [taskId, variant, chunk * MASS_SEND_MAX_RECIPIENTS, (chunk + 1) * MASS_SEND_MAX_RECIPIENTS],
  );
  return rows.map((r) => ({ targetId: num(r.id), externalUserid: r.external_userid }));
}
