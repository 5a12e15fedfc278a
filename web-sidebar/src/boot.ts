import type { Pinia } from "pinia";
import { getBootstrap } from "./api/sidebar";
import type { SidebarBootstrap } from "./api/types";
import { useSessionStore } from "./stores/session";
import { createBridge, type WecomBridge } from "./wecom";
import type { DevBridgeDeps } from "./wecom/dev-bridge";

export interface BootResult {
  bootstrap: SidebarBootstrap;
  bridge: WecomBridge;
  /** False when the user still has to sign in (dev: the picker is showing). */
  signedIn: boolean;
}

/**
 * Boot order: bootstrap -> bridge -> session (/me) -> sign-in if needed -> register.
 * The caller mounts the app afterwards.
 */
export async function bootSidebar(pinia: Pinia, devDeps: DevBridgeDeps): Promise<BootResult> {
  const bootstrap = await getBootstrap();
  const bridge = await createBridge(bootstrap, devDeps);
  const me = await useSessionStore(pinia).load();
  // jssdk: leaves for OAuth and never resolves; dev: routes to the staff picker.
  if (!me) await bridge.signIn();
  await bridge.register();
  return { bootstrap, bridge, signedIn: me !== null };
}
