import { ref, watch } from "vue";
import type { MaterialContent, MaterialSearch } from "@/api/types";
import { renderMaterial, searchMaterials } from "@/api/work";
import { useAsyncData } from "@/composables/useAsyncData";
import { materialToMessages } from "@/utils/material-message";
import type { ChatContext, WecomBridge } from "@/wecom/types";

/** Whether the sidebar is in a chat a material can go into. */
export function canSendTo(context: ChatContext | null): boolean {
  return Boolean(context?.externalUserId || context?.chatId);
}

/** Search by words and folder; a new folder searches at once, words on submit. */
export function useMaterialSearch() {
  const q = ref("");
  const folderId = ref<number | null>(null);
  const state = useAsyncData<MaterialSearch>((signal) =>
    searchMaterials({ q: q.value.trim() || undefined, folderId: folderId.value ?? undefined, pageSize: 20 }, signal),
  );
  watch(folderId, () => void state.run());
  return { q, folderId, ...state };
}

/**
 * Sends one material into the current chat: rendered for this customer (variables filled in),
 * then each of its messages through the bridge. Rejects when not in a chat or WeCom refuses.
 */
export async function sendMaterialToChat(
  bridge: WecomBridge,
  materialId: number,
  origin: string = window.location.origin,
): Promise<void> {
  const context = await bridge.currentContext();
  if (!canSendTo(context)) throw new Error("not in a chat");
  const { content } = await renderMaterial(materialId, context.externalUserId);
  for (const message of materialToMessages(content, origin)) await bridge.sendMaterial(message);
}

/** Whether a material has {{variables}} to fill in for the customer. */
export function hasVariables(content: MaterialContent): boolean {
  return JSON.stringify(content).includes("{{");
}
