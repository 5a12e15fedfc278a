import { reactive } from "vue";
import { markTargetSent, skipTarget } from "@/api/work";
import type { PendingTarget } from "@/api/types";
import { materialToMessages } from "@/utils/material-message";
import type { WecomBridge } from "@/wecom/types";

export type TargetPhase = "idle" | "sending" | "sent" | "skipped" | "failed" | "unrecorded";

export interface TargetState {
  phase: TargetPhase;
  /** why the last attempt failed (WeCom's or the server's message) */
  error: string | null;
}

function messageOf(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

/**
 * Sending and skipping a pending target. A send puts every material into the chat through the
 * bridge first; only when WeCom confirmed all of them does the server hear that the target is sent.
 * A failed send leaves the target pending with the reason; when only the recording failed, a retry
 * records it without sending again.
 */
export function useTargetActions(bridge: WecomBridge, origin: string = window.location.origin) {
  const states = reactive<Record<number, TargetState>>({});
  const stateOf = (id: number): TargetState => (states[id] ??= { phase: "idle", error: null });

  async function send(target: PendingTarget, onDone?: () => void): Promise<boolean> {
    const state = stateOf(target.targetId);
    if (state.phase === "sending" || state.phase === "sent") return state.phase === "sent";
    const alreadyInChat = state.phase === "unrecorded";
    state.phase = "sending";
    state.error = null;
    if (!alreadyInChat) {
      try {
        for (const m of target.materials)
          for (const message of materialToMessages(m.content, origin)) await bridge.sendMaterial(message);
      } catch (error) {
        state.phase = "failed";
        state.error = messageOf(error);
        return false;
      }
    }
    try {
      await markTargetSent(
        target.targetId,
        target.materials.map((m) => m.materialId),
      );
    } catch (error) {
      state.phase = "unrecorded";
      state.error = messageOf(error);
      return false;
    }
    state.phase = "sent";
    onDone?.();
    return true;
  }

  async function skip(target: PendingTarget, reason: string, onDone?: () => void): Promise<boolean> {
    const state = stateOf(target.targetId);
    state.error = null;
    try {
      await skipTarget(target.targetId, reason.trim());
    } catch (error) {
      state.error = messageOf(error);
      return false;
    }
    state.phase = "skipped";
    onDone?.();
    return true;
  }

  return { states, stateOf, send, skip };
}
