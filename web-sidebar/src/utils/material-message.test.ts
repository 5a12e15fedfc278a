import { describe, expect, it } from "vitest";
import { absoluteUrl, materialToMessages } from "./material-message";
import { formatMoney, formatTime } from "./format";

const origin = "https://siyu.test";

describe("materialToMessages", () => {
  it("turns each material type into the chat messages sendChatMessage takes", () => {
    expect(materialToMessages({ type: "text", text: "您好" }, origin)).toEqual([{ type: "text", content: "您好" }]);
    expect(materialToMessages({ type: "image", image: "/uploads/a.png", text: "新品" }, origin)).toEqual([
      { type: "text", content: "新品" },
      { type: "image", imgUrl: "https://siyu.test/uploads/a.png" },
    ]);
    expect(
      materialToMessages(
        { type: "miniprogram", title: "商城", appid: "wx1", page: "p/i.html", picUrl: "https://c/p.png" },
        origin,
      ),
    ).toEqual([{ type: "miniprogram", appid: "wx1", title: "商城", imgUrl: "https://c/p.png", page: "p/i.html" }]);
    expect(materialToMessages({ type: "file", file: "/uploads/f.pdf", fileName: "目录.pdf", size: 1 }, origin)).toEqual(
      [{ type: "news", title: "目录.pdf", desc: "", link: "https://siyu.test/uploads/f.pdf", imgUrl: "" }],
    );
  });

  it("leaves absolute URLs alone", () => {
    expect(absoluteUrl("https://cdn.test/x.png", origin)).toBe("https://cdn.test/x.png");
    expect(absoluteUrl(undefined, origin)).toBe("");
  });
});

describe("format", () => {
  it("shows cents as yuan and UTC times in China time", () => {
    expect(formatMoney(123456)).toBe("¥1,234.56");
    expect(formatMoney(null)).toBe("¥0.00");
    expect(formatTime("2026-11-24T16:30:00Z")).toBe("11-25 00:30");
    expect(formatTime("2026-11-24T16:30:00Z", true)).toBe("2026-11-25");
    expect(formatTime(null)).toBe("");
  });
});
