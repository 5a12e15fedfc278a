import { describe, expect, it } from "vitest";
import type { AuditEntry } from "@/api/admin-types";
import { actorLabel, buildAuditQuery, detailsLabel, emptyFilters, targetLabel } from "./data";

const entry = (patch: Partial<AuditEntry> = {}): AuditEntry => ({
  id: 1,
  actorType: "user",
  actorId: "3",
  actorName: "admin",
  action: "api_key.create",
  entity: "api_key",
  entityId: "7",
  details: { name: "POS", prefix: "sk_live_abcd" },
  ip: "127.0.0.1",
  createdAt: "2026-11-24T10:00:00.000Z",
  ...patch,
});

describe("audit page", () => {
  it("sends only the filters that are set", () => {
    expect(buildAuditQuery(emptyFilters(), 2)).toEqual({ page: 2, pageSize: 50 });
    expect(buildAuditQuery({ actor: " admin ", action: "campaign.launch", range: null }, 1, 20)).toEqual({
      page: 1,
      pageSize: 20,
      actor: "admin",
      action: "campaign.launch",
    });
  });

  it("covers whole local days of the range", () => {
    const q = buildAuditQuery({ ...emptyFilters(), range: [new Date(2026, 10, 1, 15), new Date(2026, 10, 3)] }, 1);
    expect(new Date(q.from!).getTime()).toBe(new Date(2026, 10, 1).getTime());
    expect(new Date(q.to!).getTime()).toBe(new Date(2026, 10, 3, 23, 59, 59, 999).getTime());
  });

  it("labels the actor, the target and the details", () => {
    expect(actorLabel(entry())).toBe("admin");
    expect(actorLabel(entry({ actorName: null, actorType: "cli", actorId: null }))).toBe("—");
    expect(targetLabel(entry())).toBe("api_key #7");
    expect(targetLabel(entry({ entity: null }))).toBe("—");
    expect(detailsLabel(entry().details)).toBe("name: POS; prefix: sk_live_abcd");
    expect(detailsLabel({ changed: ["agentId"], agentId: 5 })).toBe('changed: ["agentId"]; agentId: 5');
    expect(detailsLabel(null)).toBe("—");
  });
});
