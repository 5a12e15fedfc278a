// localStorage that never throws: it can be disabled (privacy mode) or hold someone else's junk.

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    return null;
  }
}

/** The stored JSON value, or null when absent or unreadable. */
export function readStoredJson(key: string): unknown {
  const text = storage()?.getItem(key);
  if (!text) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function writeStoredJson(key: string, value: unknown): void {
  try {
    storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // quota exceeded or storage disabled: the choice lasts for this visit only
  }
}
