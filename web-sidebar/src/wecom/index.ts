import type { SidebarBootstrap } from "@/api/types";
import type { DevBridgeDeps } from "./dev-bridge";
import type { WecomBridge } from "./types";

export type { ChatContext, ChatEntry, ChatMessage, WecomBridge } from "./types";
export { WECOM_BRIDGE, WecomError } from "./types";

/**
 * Pick the bridge the server asks for. Each implementation is its own chunk, so the
 * simulator never downloads @wecom/jssdk and the live sidebar never loads the dev picker glue.
 */
export async function createBridge(boot: SidebarBootstrap, devDeps: DevBridgeDeps): Promise<WecomBridge> {
  if (boot.mode === "live") {
    const { createJssdkBridge } = await import("./jssdk-bridge");
    return createJssdkBridge(boot);
  }
  const { createDevBridge } = await import("./dev-bridge");
  return createDevBridge(devDeps);
}
