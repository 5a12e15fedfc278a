import { inject } from "vue";
import { WECOM_BRIDGE, type WecomBridge } from "@/wecom";

/** The WeCom bridge chosen at boot. Pages use this, never a concrete implementation. */
export function useWecom(): WecomBridge {
  const bridge = inject(WECOM_BRIDGE, null);
  if (!bridge) throw new Error("useWecom() called outside the sidebar app (no bridge provided)");
  return bridge;
}
