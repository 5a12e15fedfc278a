import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { CsvFormatError, csvLine, matchHeader, readCsv, type CsvRecord } from "./csv.ts";

async function all(input: Parameters<typeof readCsv>[0]): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsv(input)) out.push(r);
  return out;
}
const rows = async (input: Parameters<typeof readCsv>[0]) =>
  (await all(input)).map((r) => [r.line, ...r.fields] as (number | string)[]);

describe("readCsv", () => {
  it("reads plain records with their line numbers, whatever the line breaks", async () => {
    for (const nl of ["\n", "\r\n", "\r"])
      expect(await rows(`a,b${nl}1,2${nl}3,4${nl}`)).toEqual([
        [1, "a", "b"],
        [2, "1", "2"],
        [3, "3", "4"],
      ]);
    expect(await rows("a,b\r\n1,2")).toEqual([
      [1, "a", "b"],
      [2, "1", "2"],
    ]);
  });

  it("reads quoted fields with escaped quotes, commas and line breaks; later lines keep their numbers", async () => {
    const text = 'h1,h2\n"x, ""y""",2\n"multi\r\nline\nfield",3\nlast,4\n';
    expect(await rows(text)).toEqual([
      [1, "h1", "h2"],
      [2, 'x, "y"', "2"],
      [3, "multi\r\nline\nfield", "3"],
      [6, "last", "4"],
    ]);
  });

  it("keeps empty fields, skips blank lines but counts them", async () => {
    expect(await rows('a,,c\n\n,"",\n\r\nz')).toEqual([
      [1, "a", "", "c"],
      [3, "", "", ""],
      [5, "z"],
    ]);
  });

  it("drops a UTF-8 byte order mark, from bytes and from a string", async () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("名字,b\n张三,1\n")]);
    expect(await rows(bytes)).toEqual([
      [1, "名字", "b"],
      [2, "张三", "1"],
    ]);
    expect(await rows("\uFEFFa\n")).toEqual([[1, "a"]]);
  });

  it("streams chunks split anywhere: inside a multibyte character, a quote pair, a CRLF", async () => {
    const text = 'k,v\r\n"张""三",1\r\n"a\r\nb",2\r\n';
    const bytes = Buffer.from(text);
    const expected = await rows(text);
    for (let cut = 1; cut < bytes.length; cut++) {
      const stream = Readable.from([bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(await rows(stream)).toEqual(expected);
    }
    const oneByOne = Readable.from([...bytes].map((b) => Buffer.from([b])));
    expect(await rows(oneByOne)).toEqual(expected);
  });

  it("reports a stray quote as a problem of its record and keeps reading", async () => {
    const recs = await all('a,b\nx"y,1\n"ok"z,2\nfine,3\n');
    expect(recs.map((r) => r.problem)).toEqual([
      undefined,
      { field: 0, reason: expect.stringContaining("quote inside an unquoted field") },
      { field: 0, reason: expect.stringContaining("after the closing quote") },
      undefined,
    ]);
    expect(recs[2]!.fields).toEqual(["okz", "2"]);
  });

  it("refuses a quoted field that is never closed, naming the line it starts on", async () => {
    await expect(all('a,b\n1,2\n"open,3\n4,5\n')).rejects.toThrow(
      new CsvFormatError("the file is not valid CSV: the quoted field that starts on line 3 is never closed", 3),
    );
  });

  it("refuses binary files and text that is not UTF-8", async () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00, 0x06, 0x00]);
    await expect(all(zip)).rejects.toThrow(/not a CSV text file: binary data on line 1/);
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d]);
    await expect(all(png)).rejects.toThrow(/not a CSV text file: binary data on line 1/);
    await expect(all("a,b\n1,\u0000\n")).rejects.toThrow(/binary data on line 2/);
    const gbk = Buffer.from([0x61, 0x0a, 0xd5, 0xc5, 0xc8, 0xfd, 0x0a]); // "a\n张三\n" in GBK
    await expect(all(gbk)).rejects.toThrow(/not UTF-8 text \(line 2\)/);
  });

  it("reports bytes read", async () => {
    const seen: number[] = [];
    for await (const _ of readCsv(Readable.from([Buffer.from("a\n"), Buffer.from("bb\n")]), {
      onBytes: (n) => seen.push(n),
    }));
    expect(seen).toEqual([2, 5]);
  });
});

describe("matchHeader", () => {
  const expected = ["order_no", "amount", "status"];
  it("accepts the columns in any order and case", () => {
    expect([...matchHeader(["Status", " order_no", "amount"], expected)]).toEqual([
      ["status", 0],
      ["order_no", 1],
      ["amount", 2],
    ]);
  });
  it("names missing, unexpected and repeated columns", () => {
    expect(() => matchHeader(["order_no", "amt", "status", "status"], expected)).toThrow(
      "wrong header on line 1: missing column amount; unexpected column amt; repeated column status (expected: order_no,amount,status)",
    );
  });
});

describe("csvLine", () => {
  it("quotes only what needs quoting", () => {
    expect(csvLine(["a", 'b"c', "d,e", "f\ng", null, 3])).toBe('a,"b""c","d,e","f\ng",,3\r\n');
  });
});
