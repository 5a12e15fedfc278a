import { describe, expect, it } from "vitest";
import type { TagView } from "@/api/types";
import { tagActions, tagNameProblem } from "./data";

const tag = (patch: Partial<TagView>): TagView => ({
  id: 1,
  code: "x",
  name: "x",
  source: "manual",
  isSystem: false,
  mirrorToWecom: false,
  wecomTagId: null,
  customers: 0,
  ...patch,
});

describe("tags page", () => {
  it("checks a name like the server: required, at most 30 characters", () => {
    expect(tagNameProblem("  ")).toBe("nameRequired");
    expect(tagNameProblem("高价值")).toBeNull();
    expect(tagNameProblem("字".repeat(30))).toBeNull();
    expect(tagNameProblem("字".repeat(31))).toBe("nameTooLong");
  });

  it("lets HQ edit manual tags and shows the mirror switch on system tags only", () => {
    expect(tagActions(tag({}), true)).toEqual({ edit: true, mirror: false });
    expect(tagActions(tag({}), false)).toEqual({ edit: false, mirror: false });
    expect(tagActions(tag({ source: "rfm", isSystem: true }), true)).toEqual({ edit: false, mirror: true });
    expect(tagActions(tag({ source: "wecom" }), true)).toEqual({ edit: false, mirror: false });
  });
});
