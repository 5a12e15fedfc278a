import { shallowRef, watch } from "vue";
import { readStoredJson, writeStoredJson } from "@/utils/storage";

/** The stored choice, keeping only known keys in their canonical order; null when there is none. */
export function readColumnChoice<K extends string>(key: string, all: readonly K[]): K[] | null {
  const stored = readStoredJson(key);
  if (!Array.isArray(stored)) return null;
  const chosen = all.filter((k) => stored.includes(k));
  return chosen.length ? chosen : null;
}

/**
 * Which table columns are shown, persisted in localStorage under `storageKey`.
 * `required` columns are always shown; unknown stored keys are dropped.
 */
export function useStoredColumns<K extends string>(
  storageKey: string,
  all: readonly K[],
  defaults: readonly K[],
  required: readonly K[] = [],
) {
  const normalize = (keys: readonly K[]) => all.filter((k) => keys.includes(k) || required.includes(k));
  const visible = shallowRef<K[]>(normalize(readColumnChoice(storageKey, all) ?? defaults));

  function setVisible(keys: readonly K[]): void {
    visible.value = normalize(keys);
  }
  function reset(): void {
    setVisible(defaults);
  }

  watch(visible, (keys) => writeStoredJson(storageKey, keys));
  return { visible, setVisible, reset };
}
