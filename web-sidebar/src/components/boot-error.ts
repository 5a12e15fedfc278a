import type { InjectionKey } from "vue";

/** Provided instead of the bridge when boot failed; App.vue then shows BootError.vue. */
export const BOOT_ERROR: InjectionKey<unknown> = Symbol("boot-error");
