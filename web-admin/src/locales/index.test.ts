import { afterEach, describe, expect, it } from "vitest";
import { createAppI18n, LOCALE_STORAGE_KEY, readStoredLocale, storeLocale } from "./index";
import en from "./en";
import zhCN from "./zh-CN";

afterEach(() => localStorage.clear());

describe("locales", () => {
  it("defaults to Simplified Chinese", () => {
    expect(readStoredLocale()).toBe("zh-CN");
    const i18n = createAppI18n();
    expect(i18n.global.locale.value).toBe("zh-CN");
    expect(i18n.global.t("login.submit")).toBe("登录");
  });

  it("uses the stored language and ignores unknown values", () => {
    storeLocale("en");
    expect(localStorage.getItem(LOCALE_STORAGE_KEY)).toBe("en");
    expect(createAppI18n().global.t("login.submit")).toBe("Sign in");
    localStorage.setItem(LOCALE_STORAGE_KEY, "fr");
    expect(readStoredLocale()).toBe("zh-CN");
  });

  it("has the same keys in every language", () => {
    const keys = (o: object, prefix = ""): string[] =>
      Object.entries(o).flatMap(([k, v]) =>
        typeof v === "object" ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
      );
    expect(keys(en).sort()).toEqual(keys(zhCN).sort());
  });
});
