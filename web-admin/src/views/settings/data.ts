import type { SettingSource, WecomSettingsPatch, WecomSettingsView } from "@/api/admin-types";

/** The form of the WeCom card: secrets start empty ("keep"), plain fields with their value. */
export interface WecomForm {
  corpId: string;
  agentId: string;
  secret: string;
  callbackToken: string;
  callbackAesKey: string;
}

export const SECRET_KEYS = ["secret", "callbackToken", "callbackAesKey"] as const;
export const FIELD_KEYS = ["corpId", "agentId", ...SECRET_KEYS] as const;
export type WecomFieldKey = (typeof FIELD_KEYS)[number];

export function formFromView(view: WecomSettingsView | null): WecomForm {
  return {
    corpId: view?.corpId.value ?? "",
    agentId: view?.agentId.value === null || view?.agentId.value === undefined ? "" : String(view.agentId.value),
    secret: "",
    callbackToken: "",
    callbackAesKey: "",
  };
}

/**
 * Only what the user changed: an empty secret field keeps the stored secret, a plain field
 * emptied clears it, fields the environment sets are never sent.
 */
export function buildPatch(form: WecomForm, view: WecomSettingsView): WecomSettingsPatch {
  const patch: WecomSettingsPatch = {};
  const editable = (key: WecomFieldKey) => view[key].source !== "env";
  const corpId = form.corpId.trim();
  if (editable("corpId") && corpId !== (view.corpId.value ?? "")) patch.corpId = corpId || null;
  const agentId = form.agentId.trim();
  if (editable("agentId") && agentId !== (view.agentId.value === null ? "" : String(view.agentId.value)))
    patch.agentId = agentId ? Number(agentId) : null;
  for (const key of SECRET_KEYS) {
    const value = form[key].trim();
    if (editable(key) && value) patch[key] = value;
  }
  return patch;
}

/** Client-side checks, the same as the server's (wecom.md): an empty field is fine (kept). */
export const FIELD_PATTERNS: Record<WecomFieldKey, RegExp> = {
  corpId: /^[A-Za-z0-9_-]{1,64}$/,
  agentId: /^[1-9][0-9]{0,9}$/,
  secret: /^\S{1,128}$/,
  callbackToken: /^[A-Za-z0-9]{1,32}$/,
  callbackAesKey: /^[A-Za-z0-9]{43}$/,
};

export function invalidFields(form: WecomForm): WecomFieldKey[] {
  return FIELD_KEYS.filter((key) => {
    const value = form[key].trim();
    return value !== "" && !FIELD_PATTERNS[key].test(value);
  });
}

export function sourceTagType(source: SettingSource): "success" | "info" | "warning" {
  return source === "env" ? "success" : source === "database" ? "info" : "warning";
}
