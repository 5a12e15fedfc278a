import { describe, expect, it } from "vitest";
import type { GroupTrend } from "@/api/groups";
import { buildGroupQuery, emptyFilters, hasTrendData, healthTagType, memberLabel, trendLines } from "./data";

const trend = (patch: Partial<GroupTrend["wecom"]> = {}): GroupTrend => ({
  from: "2026-11-22",
  to: "2026-11-24",
  days: ["2026-11-22", "2026-11-23", "2026-11-24"],
  bot: {
    source: "bot",
    messages: [3, null, 5],
    activeMembers: [2, null, 4],
    joins: [1, null, 0],
    leaves: [0, null, 2],
    memberTotal: [20, null, 18],
  },
  wecom: {
    source: "wecom",
    scope: "owner",
    ownerUserid: "li.na",
    msgTotal: [null, 9, 12],
    memberHasMsg: [null, 3, 5],
    newMemberCnt: [null, 0, 1],
    memberTotal: [null, 40, 41],
    chatTotal: [null, 2, 2],
    ...patch,
  },
});

describe("groups pages", () => {
  it("sends only the filters that are set", () => {
    expect(buildGroupQuery(emptyFilters(), 1)).toEqual({ page: 1, pageSize: 20, sort: "name" });
    expect(
      buildGroupQuery(
        { q: " VIP ", store: 3, owner: "li.na", health: ["poor", "none"], alert: "open", sort: "-health" },
        2,
        50,
      ),
    ).toEqual({
      page: 2,
      pageSize: 50,
      sort: "-health",
      q: "VIP",
      store: [3],
      owner: ["li.na"],
      health: ["poor", "none"],
      alert: "open",
    });
  });

  it("keeps the two sources apart: the bot's line for the group, WeCom's for the owner's groups", () => {
    expect(trendLines(trend(), "messages")).toEqual({
      labels: ["11-22", "11-23", "11-24"],
      bot: [3, null, 5],
      wecom: [null, 9, 12],
    });
    expect(trendLines(trend(), "activeMembers").wecom).toEqual([null, 3, 5]);
    // WeCom reports no leavers, and a source without any figure draws no line
    expect(trendLines(trend(), "leaves").wecom).toBeNull();
    expect(trendLines(trend({ msgTotal: [null, null, null] }), "messages").wecom).toBeNull();
  });

  it("knows when there is something to chart", () => {
    expect(hasTrendData(trend())).toBe(true);
    const empty = trend({ msgTotal: [null, null, null] });
    empty.bot.messages = [null, null, null];
    expect(hasTrendData(empty)).toBe(false);
    expect(hasTrendData(null)).toBe(false);
  });

  it("labels health bands and members", () => {
    expect(healthTagType("good")).toBe("success");
    expect(healthTagType("fair")).toBe("warning");
    expect(healthTagType("poor")).toBe("danger");
    expect(healthTagType(null)).toBe("info");
    expect(memberLabel({ groupNickname: "王姐", name: "王芳", memberId: "wm1" })).toBe("王姐");
    expect(memberLabel({ groupNickname: null, name: null, memberId: "wm1" })).toBe("wm1");
  });
});
