import { createI18n } from "vue-i18n";
import en from "./en";
import zhCN, { type MessageSchema } from "./zh-CN";

export const SUPPORTED_LOCALES = ["zh-CN", "en"] as const;
export type AppLocale = (typeof SUPPORTED_LOCALES)[number];
export const DEFAULT_LOCALE: AppLocale = "zh-CN";
export const LOCALE_STORAGE_KEY = "siyu.locale";

/** Display names, always shown in their own language. */
export const LOCALE_LABELS: Record<AppLocale, string> = { "zh-CN": "简体中文", en: "English" };

export function isAppLocale(value: unknown): value is AppLocale {
  return typeof value === "string" && (SUPPORTED_LOCALES as readonly string[]).includes(value);
}

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null; // storage can be disabled (privacy mode); fall back to the default
  }
}

export function readStoredLocale(): AppLocale {
  const stored = storage()?.getItem(LOCALE_STORAGE_KEY);
  return isAppLocale(stored) ? stored : DEFAULT_LOCALE;
}

export function storeLocale(locale: AppLocale): void {
  storage()?.setItem(LOCALE_STORAGE_KEY, locale);
}

export function createAppI18n(locale: AppLocale = readStoredLocale()) {
  return createI18n<[MessageSchema], AppLocale, false>({
    legacy: false,
    locale,
    fallbackLocale: DEFAULT_LOCALE,
    messages: { "zh-CN": zhCN, en },
  });
}

export type AppI18n = ReturnType<typeof createAppI18n>;

// Message schema for useI18n() (key completion in editors).
declare module "vue-i18n" {
  export interface DefineLocaleMessage extends MessageSchema {}
}
