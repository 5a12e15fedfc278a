import { http } from "./http";
import type { StaffView, StoreView } from "./types";

/** Stores for pickers (a store manager sees only their own). */
export async function listStores(signal?: AbortSignal): Promise<StoreView[]> {
  return (await http.get<{ items: StoreView[] }>("/api/v1/stores", { signal })).items;
}

/** Staff for pickers (scoped like the stores). */
export async function listStaff(signal?: AbortSignal): Promise<StaffView[]> {
  return (await http.get<{ items: StaffView[] }>("/api/v1/staff", { signal })).items;
}
