import { computed } from "vue";
import { ApiError } from "@/api/http";
import type { GroupDay, GroupPage } from "@/api/types";
import { getGroup } from "@/api/work";
import { useAsyncData } from "@/composables/useAsyncData";

export interface Bar {
  day: string;
  /** "MM-DD" */
  label: string;
  value: number;
  /** 0..1 of the tallest day */
  ratio: number;
}

/** Bars of the messages-per-day chart, oldest first, scaled to the busiest day. */
export function messageBars(days: GroupDay[], lastN = 14): Bar[] {
  const shown = days.slice(-lastN);
  const max = Math.max(0, ...shown.map((d) => d.messages));
  return shown.map((d) => ({
    day: d.day,
    label: String(d.day).slice(5, 10),
    value: d.messages,
    ratio: max === 0 ? 0 : d.messages / max,
  }));
}

/** The group page's data; `notFound` when the group is not one the guide owns or administers. */
export function useGroupPage(chatId: () => string) {
  const state = useAsyncData<GroupPage>((signal) => getGroup(chatId(), signal));
  const notFound = computed(() => state.error.value instanceof ApiError && state.error.value.status === 404);
  return { ...state, notFound };
}
