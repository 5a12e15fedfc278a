import { inject, provide, type InjectionKey, type ShallowRef } from "vue";
import { listCampaigns, type CampaignView } from "@/api/campaigns";
import { listStaff, listStores } from "@/api/directory";
import { listTagGroups } from "@/api/tags";
import type { StaffView, StoreView, TagGroupView } from "@/api/types";
import { useAsyncData } from "@/composables/useAsyncData";

/** What the rule builder's selects offer: tags, stores, staff and campaigns, each scoped by the server. */
export interface RuleOptions {
  tagGroups: ShallowRef<TagGroupView[] | null>;
  stores: ShallowRef<StoreView[] | null>;
  staff: ShallowRef<StaffView[] | null>;
  campaigns: ShallowRef<CampaignView[] | null>;
}

const KEY: InjectionKey<RuleOptions> = Symbol("rule-options");

/** Loads the options once for a page and hands them to every builder below it. */
export function provideRuleOptions(): RuleOptions {
  const options: RuleOptions = {
    tagGroups: useAsyncData((signal) => listTagGroups(signal)).data,
    stores: useAsyncData((signal) => listStores(signal)).data,
    staff: useAsyncData((signal) => listStaff(signal)).data,
    campaigns: useAsyncData(async (signal) => (await listCampaigns({ pageSize: 100 }, signal)).items).data,
  };
  provide(KEY, options);
  return options;
}

export function useRuleOptions(): RuleOptions {
  const options = inject(KEY);
  if (!options) throw new Error("provideRuleOptions() must run in a parent component");
  return options;
}
