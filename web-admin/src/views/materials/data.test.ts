import { describe, expect, it } from "vitest";
import { contentOf, emptyForm, formErrors, formOf, insertToken, summary } from "./data";

describe("material editor data", () => {
  it("inserts a variable token at the caret, replacing a selection", () => {
    expect(insertToken("您好，！", "{{customer.name}}", 3)).toEqual({ text: "您好，{{customer.name}}！", caret: 20 });
    expect(insertToken("Hi NAME!", "{{customer.name}}", 3, 7).text).toBe("Hi {{customer.name}}!");
    expect(insertToken("", "{{staff.name}}", 99)).toEqual({ text: "{{staff.name}}", caret: 14 });
  });

  it("keeps only what the type needs and leaves empty optional fields out", () => {
    const f = {
      ...emptyForm("link"),
      linkTitle: "双11",
      url: "https://x.cn/a",
      desc: "  ",
      text: "看看 {{customer.name}}",
    };
    expect(contentOf(f)).toEqual({
      type: "link",
      title: "双11",
      url: "https://x.cn/a",
      text: "看看 {{customer.name}}",
    });
    expect(contentOf({ ...emptyForm("image"), image: "/uploads/a.png" })).toEqual({
      type: "image",
      image: "/uploads/a.png",
    });
  });

  it("reads a saved material back into the form (round trip)", () => {
    const content = {
      type: "miniprogram" as const,
      title: "会员",
      appid: "wx0123456789abcdef",
      page: "pages/a",
      picUrl: "/uploads/b.png",
    };
    const m = {
      id: 1,
      title: "mp",
      type: "miniprogram" as const,
      folderId: 2,
      keywords: null,
      content,
      usageCount: 3,
      updatedAt: null,
    };
    const f = formOf(m);
    expect(f.folderId).toBe(2);
    expect(contentOf(f)).toEqual(content);
    expect(summary(content)).toBe("会员");
  });

  it("maps the server's field names onto the form's", () => {
    expect(
      formErrors([
        { field: "content.text", reason: "unknown variable {{x}}" },
        { field: "content.title", reason: "is required" },
        { field: "title", reason: "too long" },
      ]),
    ).toEqual({ text: "unknown variable {{x}}", linkTitle: "is required", title: "too long" });
  });
});
