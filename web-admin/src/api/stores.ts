import { http } from "./http";
import type { StoreRow } from "./admin-types";

/** Stores with their staff counts, for the stores page (a store manager sees only their own). */
export async function listStoreRows(signal?: AbortSignal): Promise<StoreRow[]> {
  return (await http.get<{ items: StoreRow[] }>("/api/v1/stores", { signal })).items;
}
