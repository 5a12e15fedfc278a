import { placeholders, sqlTime } from "../../db/dialect.ts";
import type { Clock } from "../../platform/clock.ts";
import type { Condition, RuleNode } from "./segment-rule.ts";

export interface CompiledRule {
  /** a boolean SQL expression over `c` (customers) and `r` (customer_rfm) */
  sql: string;
  params: unknown[];
}

/**
 * Compiles a validated rule to one SQL boolean expression with bound parameters. The only text
 * that reaches SQL comes from this file; values from the rule are always parameters.
 */
export function compileRule(rule: RuleNode, clock: Clock): CompiledRule {
  if ("all" in rule) return join(rule.all, "AND", "1 = 1", clock);
  if ("any" in rule) return join(rule.any, "OR", "1 = 0", clock);
  return condition(rule, clock);
}

function join(nodes: RuleNode[], op: "AND" | "OR", empty: string, clock: Clock): CompiledRule {
  if (!nodes.length) return { sql: empty, params: [] };
  const parts = nodes.map((n) => compileRule(n, clock));
  return { sql: `(${parts.map((p) => p.sql).join(` ${op} `)})`, params: parts.flatMap((p) => p.params) };
}

const follow = (extra: string) =>
  `EXISTS (SELECT 1 FROM follow_relations f ${extra.includes("s.") ? "JOIN staff s ON s.id = f.staff_id " : ""}${extra.includes("ss.") ? "JOIN staff_stores ss ON ss.staff_id = f.staff_id " : ""}WHERE f.customer_id = c.id AND f.status = 'active' AND ${extra})`;
const member = (extra: string) =>
  `EXISTS (SELECT 1 FROM group_members gm JOIN customer_groups g ON g.id = gm.group_id
            WHERE gm.customer_id = c.id AND gm.left_at IS NULL AND g.status = 'active'${extra ? ` AND ${extra}` : ""})`;

function condition(c: Condition, clock: Clock): CompiledRule {
  const daysAgo = (d: number) => sqlTime(new Date(clock.now().getTime() - d * 86_400_000));
  switch (c.field) {
    case "segment":
      return {
        sql: `${c.op === "in" ? "" : "NOT "}COALESCE(r.segment, '') IN (${placeholders(c.values.length)})`,
        params: c.values,
      };
    case "lifecycle":
      return {
        sql: `${c.op === "in" ? "" : "NOT "}COALESCE(r.lifecycle, 'prospect') IN (${placeholders(c.values.length)})`,
        params: c.values,
      };
    case "score":
      return between(`r.${c.dimension}_score`, c.range);
    case "figure":
      return between(`r.${c.figure}`, c.range);
    case "tags": {
      const inList = `ct.tag_id IN (${placeholders(c.tagIds.length)})`;
      if (c.op === "any")
        return {
          sql: `EXISTS (SELECT 1 FROM customer_tags ct WHERE ct.customer_id = c.id AND ${inList})`,
          params: c.tagIds,
        };
      if (c.op === "none")
        return {
          sql: `NOT EXISTS (SELECT 1 FROM customer_tags ct WHERE ct.customer_id = c.id AND ${inList})`,
          params: c.tagIds,
        };
      const unique = [...new Set(c.tagIds)];
      return {
        sql: `(SELECT COUNT(*) FROM customer_tags ct WHERE ct.customer_id = c.id AND ct.tag_id IN (${placeholders(unique.length)})) = ?`,
        params: [...unique, unique.length],
      };
    }
    case "group_member": {
      const inner = c.groupIds ? member(`g.id IN (${placeholders(c.groupIds.length)})`) : member("");
      return { sql: c.op === "in" ? inner : `NOT ${inner}`, params: c.groupIds ?? [] };
    }
    case "group_activity":
      return c.op === "active_within_days"
        ? { sql: member("gm.last_message_at > ?"), params: [daysAgo(c.days)] }
        : { sql: `(${member("")} AND NOT ${member("gm.last_message_at > ?")})`, params: [daysAgo(c.days)] };
    case "store": {
      const inner = follow(`ss.store_id IN (${placeholders(c.storeIds.length)})`);
      return { sql: c.op === "in" ? inner : `NOT ${inner}`, params: c.storeIds };
    }
    case "owner": {
      const inner = follow(`s.userid IN (${placeholders(c.userids.length)})`);
      return { sql: c.op === "in" ? inner : `NOT ${inner}`, params: c.userids };
    }
    case "follow_date": {
      const conds: string[] = [];
      const params: unknown[] = [];
      if (c.from) {
        conds.push("f.added_at >= ?");
        params.push(sqlTime(new Date(c.from)));
      }
      if (c.to) {
        conds.push("f.added_at <= ?");
        params.push(sqlTime(new Date(c.to)));
      }
      return { sql: follow(conds.join(" AND ")), params };
    }
    case "channel_state":
      return c.op === "in"
        ? { sql: follow(`f.state IN (${placeholders(c.values.length)})`), params: c.values }
        : {
            sql: `(${c.values.map(() => follow("f.state LIKE ? ESCAPE '!'")).join(" OR ")})`,
            params: c.values.map((v) => `${v.replace(/[!%_]/g, (m) => `!${m}`)}%`),
          };
    case "not_contacted_days":
      return {
        sql: "NOT EXISTS (SELECT 1 FROM targets t WHERE t.customer_id = c.id AND t.sent_at > ?)",
        params: [daysAgo(c.days)],
      };
    case "not_in_campaign":
      return {
        sql: `NOT EXISTS (SELECT 1 FROM targets t WHERE t.customer_id = c.id AND t.campaign_id IN (${placeholders(c.campaignIds.length)}))`,
        params: c.campaignIds,
      };
  }
}

function between(column: string, r: { min?: number; max?: number }): CompiledRule {
  const conds: string[] = [];
  const params: unknown[] = [];
  if (r.min !== undefined) {
    conds.push(`${column} >= ?`);
    params.push(r.min);
  }
  if (r.max !== undefined) {
    conds.push(`${column} <= ?`);
    params.push(r.max);
  }
  return { sql: `(${conds.join(" AND ")})`, params };
}
