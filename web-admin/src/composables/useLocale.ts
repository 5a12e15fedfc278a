import { computed } from "vue";
import { useI18n } from "vue-i18n";
import { LOCALE_LABELS, SUPPORTED_LOCALES, isAppLocale, storeLocale, type AppLocale } from "@/locales";

/** Current UI language, persisted to localStorage ("siyu.locale") when changed. */
export function useLocale() {
  const { locale } = useI18n();

  const current = computed<AppLocale>({
    get: () => (isAppLocale(locale.value) ? locale.value : "zh-CN"),
    set: (value) => {
      locale.value = value;
      storeLocale(value);
      document.documentElement.lang = value;
    },
  });

  const options = SUPPORTED_LOCALES.map((value) => ({ value, label: LOCALE_LABELS[value] }));
  return { locale: current, options };
}
