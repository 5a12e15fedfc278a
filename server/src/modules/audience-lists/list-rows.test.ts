import { describe, expect, it } from "vitest";
import { CsvFormatError, CsvHeaderError } from "../imports/csv.ts";
import { parseList } from "./list-rows.ts";

describe("uploaded list rows", () => {
  it("takes any of the key columns in any order, natural key first on each row", async () => {
    const list = await parseList("\uFEFFUnionid, mobile\r\nun1,13900000001\r\n,13900000002\r\nun3,\r\n");
    expect(list.keyColumns).toEqual(["unionid", "mobile"]);
    expect(list.rows).toEqual([
      {
        line: 2,
        keys: [
          { kind: "mobile", value: "13900000001" },
          { kind: "unionid", value: "un1" },
        ],
      },
      { line: 3, keys: [{ kind: "mobile", value: "13900000002" }] },
      { line: 4, keys: [{ kind: "unionid", value: "un3" }] },
    ]);
  });

  it("keeps a bad row with its problem and goes on", async () => {
    const list = await parseList('mobile\n139\n1390"0000001\n\n13900000002\n');
    expect(list.rows.map((r) => [r.line, r.problem])).toEqual([
      [2, "mobile must be an 11-digit mainland number"],
      [3, "a quote inside an unquoted field (quote the whole field and double the quote)"],
      [5, undefined],
    ]);
    const long = await parseList(`external_userid\n${"w".repeat(129)}\n`);
    expect(long.rows[0]!.problem).toBe("external_userid is longer than 128 characters");
  });

  it("refuses a wrong header, an empty file and a file without rows", async () => {
    await expect(parseList("mobile,name\n")).rejects.toThrow(CsvHeaderError);
    await expect(parseList("mobile,name\n")).rejects.toThrow("unexpected column name");
    await expect(parseList("mobile,mobile\n")).rejects.toThrow("repeated column mobile");
    await expect(parseList(",mobile\n")).rejects.toThrow("unexpected column (empty)");
    await expect(parseList("")).rejects.toThrow("the file is empty");
    await expect(parseList("mobile\r\n")).rejects.toThrow(CsvFormatError);
  });
});
