import { http } from "./http";
import type { ApiKeyView, WecomSettingsPatch, WecomSettingsView } from "./admin-types";
import type { Paged } from "./types";

export async function getWecomSettings(signal?: AbortSignal): Promise<WecomSettingsView> {
  return (await http.get<{ wecom: WecomSettingsView }>("/api/v1/settings/wecom", { signal })).wecom;
}

export async function updateWecomSettings(patch: WecomSettingsPatch): Promise<WecomSettingsView> {
  return (await http.put<{ wecom: WecomSettingsView }>("/api/v1/settings/wecom", patch)).wecom;
}

export function listApiKeys(signal?: AbortSignal): Promise<Paged<ApiKeyView>> {
  return http.get<Paged<ApiKeyView>>("/api/v1/api-keys", { query: { page: 1, pageSize: 200 }, signal });
}

/** The key itself comes back once, here, and never again. */
export function createApiKey(name: string): Promise<{ apiKey: ApiKeyView; key: string }> {
  return http.post<{ apiKey: ApiKeyView; key: string }>("/api/v1/api-keys", { name });
}

export async function revokeApiKey(id: number): Promise<ApiKeyView> {
  return (await http.delete<{ apiKey: ApiKeyView }>(`/api/v1/api-keys/${id}`)).apiKey;
}
