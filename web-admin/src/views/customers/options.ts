import { computed } from "vue";
import { listStaff, listStores } from "@/api/directory";
import { listTagGroups } from "@/api/tags";
import { useAsyncData } from "@/composables/useAsyncData";
import type { TagGroupView } from "@/api/types";

/** Tags that can be put on a customer by hand: those of manual groups. */
export function manualTags(groups: TagGroupView[] | null): { id: number; name: string; group: string }[] {
  return (groups ?? []).flatMap((g) =>
    g.tags.filter((t) => t.source === "manual").map((t) => ({ id: t.id, name: t.name, group: g.name })),
  );
}

/**
 * What the filter bar and the profile drawer pick from: tag groups, stores and staff (each scoped by
 * the server). Loaded separately so one failing list does not empty the others.
 */
export function useFilterOptions() {
  const tagGroups = useAsyncData((signal) => listTagGroups(signal));
  const stores = useAsyncData((signal) => listStores(signal));
  const staff = useAsyncData((signal) => listStaff(signal));
  const error = computed(() => tagGroups.error.value ?? stores.error.value ?? staff.error.value);
  return {
    tagGroups: tagGroups.data,
    stores: stores.data,
    staff: staff.data,
    error,
  };
}
