import { describe, expect, it } from "vitest";
import { customerKeys, parseCustomerRow } from "./customer-rows.ts";

const cells = (p: Record<string, string> = {}) => ({
  external_userid: "wmA",
  name: " 张三 ",
  mobile: "13800000001",
  unionid: "",
  gender: "2",
  owner_userid: "guide1",
  added_at: "2026-05-20T13:14:00+08:00",
  store_code: "SH01",
  ...p,
});

describe("customers.csv rows", () => {
  it("reads a valid row, empty cells as null", () => {
    const r = parseCustomerRow(7, cells());
    expect(r).toEqual({
      ok: true,
      row: {
        line: 7,
        externalUserid: "wmA",
        name: "张三",
        mobile: "13800000001",
        unionid: null,
        gender: 2,
        ownerUserid: "guide1",
        addedAt: new Date("2026-05-20T05:14:00Z"),
        storeCode: "SH01",
      },
    });
    if (r.ok) expect(customerKeys(r.row).map((k) => k.kind)).toEqual(["external_userid", "mobile"]);
  });

  it("reports each bad cell by column, in column order", () => {
    const r = parseCustomerRow(3, cells({ mobile: "1380000", gender: "m", added_at: "2026-05-20" }));
    expect(r).toEqual({
      ok: false,
      problems: [
        { line: 3, column: "mobile", reason: "must be an 11-digit mainland number" },
        { line: 3, column: "gender", reason: "must be 0 (unknown), 1 (male) or 2 (female)" },
        { line: 3, column: "added_at", reason: expect.stringMatching(/^must be ISO 8601 with an offset/) },
      ],
    });
  });

  it("needs at least one key, and added_at with an owner", () => {
    expect(parseCustomerRow(2, cells({ external_userid: "", mobile: "" }))).toMatchObject({
      problems: [{ column: "external_userid", reason: "a row needs at least one of external_userid, mobile, unionid" }],
    });
    expect(parseCustomerRow(2, cells({ added_at: "" }))).toMatchObject({
      problems: [{ column: "added_at", reason: "is required when owner_userid is given" }],
    });
    expect(parseCustomerRow(2, cells({ owner_userid: "", added_at: "" })).ok).toBe(true);
  });
});
