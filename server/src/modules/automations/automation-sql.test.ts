import { describe, expect, it } from "vitest";
import { addedCustomersSql, audienceSql, newSegmentMembersSql } from "./automation-sql.ts";

const run = { automationId: 7, runId: 42, now: "2026-06-01 01:00:00.000" };

describe("automation SQL", () => {
  for (const dialect of ["sqlite", "mysql"] as const)
    it(`snapshots the statements of a run on ${dialect}`, () => {
      const members = {
        text: "FROM customers c LEFT JOIN customer_rfm r ON r.customer_id = c.id WHERE (c.id > ?)",
        params: [0],
      };
      const statements = {
        segment: newSegmentMembersSql(dialect, run, members),
        added: addedCustomersSql(dialect, run, { from: "2026-05-29 01:00:00.000", to: "2026-05-29 01:00:00.000" }),
        audience: audienceSql(run, 99),
      };
      expect(statements).toMatchSnapshot();
      for (const s of Object.values(statements)) expect(s.text.split("?").length - 1).toBe(s.params.length);
    });
});
