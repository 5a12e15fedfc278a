import { flushPromises, mount } from "@vue/test-utils";
import ElementPlus from "element-plus";
import { createPinia, setActivePinia } from "pinia";
import { describe, expect, it, vi } from "vitest";
import * as tagsApi from "@/api/tags";
import type { TagGroupView, UserRole } from "@/api/types";
import { createAppI18n } from "@/locales";
import { useAuthStore } from "@/stores/auth";
import TagsPage from "./index.vue";

vi.mock("@/api/tags", () => ({
  listTagGroups: vi.fn(),
  createTagGroup: vi.fn(),
  createTag: vi.fn(),
  renameTag: vi.fn(),
  setTagMirror: vi.fn(async () => undefined),
  deleteTag: vi.fn(),
  getTagMirrorStatus: vi.fn(async () => ({
    lastRun: null,
    tags: [
      {
        ...{ tagId: 10, state: "failed", wecomTagId: "et1", pendingRelations: 2, failedRelations: 1 },
        ...{ lastMirroredAt: null, error: "40068 invalid tagid" },
      },
    ],
  })),
}));

const groups: TagGroupView[] = [
  {
    ...{ id: 1, code: "rfm", name: "RFM 分层", source: "rfm" },
    tags: [
      {
        ...{ id: 10, code: "rfm:important_value", name: "重要价值客户", source: "rfm", isSystem: true },
        ...{ mirrorToWecom: false, wecomTagId: null, customers: 1200 },
      },
    ],
  },
  {
    ...{ id: 2, code: "manual:VIP", name: "VIP", source: "manual" },
    tags: [
      {
        ...{ id: 20, code: "manual:2:金卡", name: "金卡", source: "manual", isSystem: false },
        ...{ mirrorToWecom: false, wecomTagId: null, customers: 3 },
      },
    ],
  },
];

async function mountAs(role: UserRole) {
  const pinia = createPinia();
  setActivePinia(pinia);
  useAuthStore().user = { id: 1, username: "u", displayName: "U", role };
  vi.mocked(tagsApi.listTagGroups).mockResolvedValue(groups);
  const wrapper = mount(TagsPage, { global: { plugins: [pinia, createAppI18n("zh-CN"), ElementPlus] } });
  await flushPromises();
  return wrapper;
}

describe("tags page", { timeout: 20_000 }, () => {
  it("lets HQ create groups and tags and mirror system tags", async () => {
    const wrapper = await mountAs("hq_operator");
    expect(wrapper.find('[data-test="new-tag-group"]').exists()).toBe(true);
    const rfm = wrapper.find('[data-test="tag-group-rfm"]');
    expect(rfm.text()).toContain("1,200 位客户");
    expect(rfm.find('[data-test="new-tag"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="tag-group-manual:VIP"] [data-test="new-tag"]').exists()).toBe(true);
    await rfm.find('[data-test="tag-mirror-10"]').trigger("click");
    await flushPromises();
    expect(tagsApi.setTagMirror).toHaveBeenCalledWith(10, true);
    expect(tagsApi.listTagGroups).toHaveBeenCalledTimes(2);
  });

  it("is read-only for store roles", async () => {
    const wrapper = await mountAs("store_manager");
    expect(wrapper.find('[data-test="new-tag-group"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="new-tag"]').exists()).toBe(false);
    expect(wrapper.find('[data-test="tag-group-manual:VIP"]').text()).not.toContain("重命名");
    expect(wrapper.find('[data-test="tag-mirror-10"]').classes()).toContain("is-disabled");
  });

  it("shows the WeCom mirror state of a mirrored tag", async () => {
    groups[0]!.tags[0]!.mirrorToWecom = true;
    try {
      const wrapper = await mountAs("hq_operator");
      expect(tagsApi.getTagMirrorStatus).toHaveBeenCalled();
      expect(wrapper.find('[data-test="tag-mirror-state-10"]').text()).toBe("同步失败");
      expect(wrapper.find('[data-test="tag-mirror-state-20"]').exists()).toBe(false);
    } finally {
      groups[0]!.tags[0]!.mirrorToWecom = false;
    }
  });
});
