import type { StaffView, StoreView } from "@/api/types";

export interface StaffFilters {
  q: string;
  storeId: number | null;
}

/** Name or WeCom account contains the text (case-insensitive); in the store when one is chosen. */
export function filterStaff(staff: StaffView[], filters: StaffFilters): StaffView[] {
  const q = filters.q.trim().toLowerCase();
  return staff.filter(
    (s) =>
      (!q || s.name.toLowerCase().includes(q) || s.userid.toLowerCase().includes(q)) &&
      (filters.storeId === null || s.storeIds.includes(filters.storeId)),
  );
}

/** The names of the staff member's stores that the viewer can see, in store order. */
export function storeNames(member: StaffView, stores: StoreView[]): string {
  const names = stores.filter((s) => member.storeIds.includes(s.id)).map((s) => s.name);
  return names.length ? names.join("、") : "—";
}

/** `?store=3` from the stores page preselects the store. */
export function storeFromQuery(value: unknown): number | null {
  const id = Number(Array.isArray(value) ? value[0] : value);
  return Number.isInteger(id) && id > 0 ? id : null;
}
