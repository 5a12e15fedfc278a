import { flushPromises, mount } from "@vue/test-utils";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory, createRouter } from "vue-router";
import * as devApi from "@/api/dev";
import { ApiError } from "@/api/http";
import type { CustomerPage } from "@/api/types";
import * as workApi from "@/api/work";
import { createAppI18n } from "@/locales";
import { WECOM_BRIDGE } from "@/wecom";
import { createDevBridge } from "@/wecom/dev-bridge";
import { addableTags, rfmRows, segmentTone, splitTags } from "./data";
import CustomerPageView from "./index.vue";

vi.mock("@/api/work", () => ({
  getCustomer: vi.fn(),
  markTargetSent: vi.fn(),
  skipTarget: vi.fn(),
  addNote: vi.fn(),
  addTag: vi.fn(),
  removeTag: vi.fn(),
  getManualTags: vi.fn(),
}));
vi.mock("@/api/dev", () => ({ devSendChatMessage: vi.fn(), getDevChats: vi.fn() }));

const page: CustomerPage = {
  customer: {
    id: 1,
    externalUserid: "wm1",
    name: "张三",
    avatar: null,
    gender: 2,
    remark: "张姐",
    addedAt: null,
    channel: null,
  },
  rfm: {
    segment: "important_develop",
    lifecycle: "active",
    rScore: 5,
    fScore: 2,
    mScore: 4,
    recencyDays: 3,
    frequency: 1,
    monetaryCents: 59900,
  },
  lastOrder: { orderNo: "O1", paidAt: "2026-11-20T02:00:00Z", netCents: 59900, storeCode: null },
  orderWindow: { days: 365, orders: 1, netCents: 59900 },
  groups: [{ chatId: "wr1", name: "VIP群" }],
  tags: [
    { id: 1, name: "喜欢红色", source: "manual", editable: true },
    { id: 2, name: "重要发展客户", source: "rfm", editable: false },
  ],
  notes: [],
  outreach: [],
  pendingTargets: [
    {
      targetId: 9,
      taskId: 4,
      campaignId: 2,
      campaign: "双11老客",
      channel: "private_chat",
      dueAt: "2026-11-28T02:00:00Z",
      materials: [{ materialId: 5, title: "问候", content: { type: "text", text: "张姐您好" } }],
    },
  ],
};

async function mountAt(externalUserId: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/customer/:externalUserId", name: "customer", component: CustomerPageView },
      { path: "/", name: "home", component: { template: "<div />" } },
      { path: "/tasks", name: "tasks", component: { template: "<div />" } },
      { path: "/materials", name: "materials", component: { template: "<div />" } },
    ],
  });
  await router.push(`/customer/${externalUserId}`);
  const storage = new Map<string, string>();
  const bridge = createDevBridge({
    openStaffPicker: vi.fn(),
    search: () => `?entry=single_chat_tools&externalUserId=${externalUserId}`,
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  });
  const wrapper = mount(CustomerPageView, {
    global: { plugins: [createAppI18n("zh-CN"), router], provide: { [WECOM_BRIDGE as symbol]: bridge } },
  });
  return { wrapper, bridge };
}

beforeEach(() => vi.clearAllMocks());

describe("customer page data", () => {
  it("explains the scores through the segment's high/low per dimension", () => {
    expect(rfmRows(page.rfm)).toEqual([
      { key: "r", score: 5, level: "high" },
      { key: "f", score: 2, level: "low" },
      { key: "m", score: 4, level: "high" },
    ]);
    expect(rfmRows({ ...page.rfm, segment: null, rScore: null }).map((r) => r.level)).toEqual([null, null, null]);
    expect(segmentTone("important_value")).toBe("danger");
    expect(segmentTone(null)).toBe("default");
  });

  it("keeps system tags read-only and offers only manual tags the customer lacks", () => {
    const { manual, system } = splitTags(page.tags);
    expect(manual.map((t) => t.id)).toEqual([1]);
    expect(system.map((t) => t.id)).toEqual([2]);
    const groups = [
      {
        id: 1,
        name: "偏好",
        tags: [
          { id: 1, name: "喜欢红色" },
          { id: 3, name: "喜欢蓝色" },
        ],
      },
    ];
    expect(addableTags(groups, page.tags)).toEqual([{ id: 3, name: "喜欢蓝色", group: "偏好" }]);
  });
});

describe("customer page", () => {
  it("shows skeletons, then the customer, and sends a pending target in one tap", async () => {
    let resolve!: (p: CustomerPage) => void;
    vi.mocked(workApi.getCustomer).mockReturnValue(new Promise((r) => (resolve = r)));
    vi.mocked(devApi.devSendChatMessage).mockResolvedValue({ sendid: "s1" });
    vi.mocked(workApi.markTargetSent).mockResolvedValue(undefined);
    const { wrapper } = await mountAt("wm1");
    expect(wrapper.find('[data-test="page-skeleton"]').exists()).toBe(true);
    resolve(page);
    await flushPromises();
    expect(wrapper.find('[data-test="customer-name"]').text()).toBe("张三");
    expect(wrapper.find('[data-test="customer-segment"]').text()).toBe("重要发展客户");
    expect(wrapper.find('[data-test="rfm-f"]').text()).toContain("低");
    expect(wrapper.find('[data-test="tag-2"] .van-tag__close').exists()).toBe(false); // system: read-only
    expect(wrapper.find('[data-test="tag-1"] .van-tag__close').exists()).toBe(true);

    await wrapper.find('[data-test="target-send-9"]').trigger("click");
    await flushPromises();
    expect(devApi.devSendChatMessage).toHaveBeenCalledWith(
      { externalUserid: "wm1" },
      { type: "text", content: "张姐您好" },
    );
    expect(workApi.markTargetSent).toHaveBeenCalledWith(9, [5]);
    expect(wrapper.find('[data-test="target-status-9"]').text()).toBe("已发送");
  });

  it("keeps the target pending and says why when the send fails", async () => {
    vi.mocked(workApi.getCustomer).mockResolvedValue(page);
    vi.mocked(devApi.devSendChatMessage).mockRejectedValue(new ApiError(409, "conflict", "not external contact"));
    const { wrapper } = await mountAt("wm1");
    await flushPromises();
    await wrapper.find('[data-test="target-send-9"]').trigger("click");
    await flushPromises();
    expect(wrapper.find('[data-test="target-error-9"]').text()).toContain("not external contact");
    expect(workApi.markTargetSent).not.toHaveBeenCalled();
    expect(wrapper.find('[data-test="target-send-9"]').exists()).toBe(true);
  });

  it("shows not-found for a customer the server will not show this guide", async () => {
    vi.mocked(workApi.getCustomer).mockRejectedValue(new ApiError(404, "not_found", "No such customer"));
    const { wrapper } = await mountAt("wmOther");
    await flushPromises();
    expect(wrapper.find('[data-test="customer-not-found"]').exists()).toBe(true);
    expect(wrapper.find('[data-test="customer-name"]').exists()).toBe(false);
  });
});
