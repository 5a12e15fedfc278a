import { describe, expect, it } from "vitest";
import { activeMenuPath } from "./menu";

describe("activeMenuPath", () => {
  const items = [{ path: "/" }, { path: "/campaigns" }, { path: "/wecom/sync" }, { path: "/segments" }];

  it("keeps an entry lit on its sub-pages", () => {
    expect(activeMenuPath("/campaigns", items)).toBe("/campaigns");
    expect(activeMenuPath("/campaigns/12/edit", items)).toBe("/campaigns");
    expect(activeMenuPath("/segments/new", items)).toBe("/segments");
    expect(activeMenuPath("/wecom/sync", items)).toBe("/wecom/sync");
  });

  it("does not match a longer name with the same start, and falls back to the dashboard", () => {
    expect(activeMenuPath("/campaignsx", items)).toBe("/");
    expect(activeMenuPath("/", items)).toBe("/");
  });
});
