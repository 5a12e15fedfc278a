import { insertIgnore, type Dialect } from "../../db/dialect.ts";
import { q, raw, type Stmt } from "../campaigns/campaign-sql.ts";

/**
 * The set-based statements of an automation run, built as text with bound values so that a unit
 * test snapshots them per dialect. Each marks the customers a run acts on in automation_members,
 * whose primary key (automation_id, customer_id) lets a customer in once per automation even if
 * two runs raced; `NOT EXISTS` keeps the insert from re-reading everyone already there.
 */

export interface RunRef {
  automationId: number;
  runId: number;
  /** sqlTime() of the run */
  now: string;
}

const MEMBER_COLUMNS = "automation_id, customer_id, run_id, campaign_id, event, first_seen_at";

/** segment_schedule: members of the segment (`FROM customers c … WHERE …`) the automation has not acted on. */
export function newSegmentMembersSql(dialect: Dialect, run: RunRef, members: Stmt): Stmt {
  return q`${raw(insertIgnore(dialect))} INTO automation_members (${raw(MEMBER_COLUMNS)})
    SELECT ${run.automationId}, x.id, ${run.runId}, NULL, NULL, ${run.now}
      FROM (SELECT c.id ${members}) x
     WHERE NOT EXISTS (SELECT 1 FROM automation_members m WHERE m.automation_id = ${run.automationId} AND m.customer_id = x.id)`;
}

/**
 * after_added: customers with an active follow relation added in (`from`, `to`], i.e. whose
 * follow-up came due since the automation was switched on (`from` = switched on − N days,
 * `to` = now − N days). A customer added by two staff members is acted on once.
 */
export function addedCustomersSql(dialect: Dialect, run: RunRef, window: { from: string; to: string }): Stmt {
  return q`${raw(insertIgnore(dialect))} INTO automation_members (${raw(MEMBER_COLUMNS)})
    SELECT ${run.automationId}, f.customer_id, ${run.runId}, NULL, NULL, ${run.now}
      FROM follow_relations f
     WHERE f.status = 'active' AND f.added_at > ${window.from} AND f.added_at <= ${window.to}
       AND NOT EXISTS (SELECT 1 FROM automation_members m WHERE m.automation_id = ${run.automationId} AND m.customer_id = f.customer_id)
     GROUP BY f.customer_id`;
}

/** The run's customers become the campaign's frozen audience (what the launch then works on). */
export function audienceSql(run: RunRef, campaignId: number): Stmt {
  return q`INSERT INTO campaign_audience (campaign_id, customer_id, reason, created_at)
    SELECT ${campaignId}, m.customer_id, NULL, ${run.now}
      FROM automation_members m WHERE m.automation_id = ${run.automationId} AND m.run_id = ${run.runId}`;
}
