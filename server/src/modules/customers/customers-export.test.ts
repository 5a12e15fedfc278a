import { describe, expect, it } from "vitest";
import { csvCell } from "./customers-export.ts";

describe("csvCell", () => {
  it("quotes separators and quotes, and disarms spreadsheet formulas", () => {
    expect(csvCell("王小明")).toBe("王小明");
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell("+8613800000000")).toBe("'+8613800000000");
    expect(csvCell("@sum")).toBe("'@sum");
    expect(csvCell(null)).toBe("");
  });
});
