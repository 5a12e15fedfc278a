import { flushPromises, mount } from "@vue/test-utils";
import { createPinia, setActivePinia } from "pinia";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { sampleMe } from "@/api/fixtures";
import { ApiError } from "@/api/http";
import * as sidebarApi from "@/api/sidebar";
import { createAppI18n } from "@/locales";
import { WECOM_BRIDGE } from "@/wecom";
import { createDevBridge } from "@/wecom/dev-bridge";
import HomePage from "./index.vue";

vi.mock("@/api/sidebar", () => ({ getMe: vi.fn(), getBootstrap: vi.fn() }));

function mountHome(openStaffPicker = vi.fn(async () => {})) {
  const bridge = createDevBridge({ openStaffPicker, search: () => "?entry=single_chat_tools&externalUserId=wm1" });
  const wrapper = mount(HomePage, {
    global: { plugins: [createAppI18n("zh-CN")], provide: { [WECOM_BRIDGE as symbol]: bridge } },
  });
  return { wrapper, openStaffPicker };
}

beforeEach(() => setActivePinia(createPinia()));

describe("home page", () => {
  it("shows skeletons, then the staff member and counts", async () => {
    let resolve!: (v: typeof sampleMe) => void;
    vi.mocked(sidebarApi.getMe).mockReturnValue(new Promise((r) => (resolve = r)));
    const { wrapper } = mountHome();
    expect(wrapper.find(".van-skeleton-avatar").exists()).toBe(true);
    expect(wrapper.find('[data-test="customer-count"]').exists()).toBe(false);
    resolve(sampleMe);
    await flushPromises();
    expect(wrapper.find('[data-test="staff-name"]').text()).toBe("张三");
    expect(wrapper.find('[data-test="customer-count"]').text()).toBe("214");
    expect(wrapper.find('[data-test="group-count"]').text()).toBe("6");
    expect(wrapper.find('[data-test="chat-context"]').text()).toContain("单聊");
  });

  it("asks the bridge to sign in on 401", async () => {
    vi.mocked(sidebarApi.getMe).mockRejectedValue(new ApiError(401, "unauthorized", "no session"));
    const { openStaffPicker } = mountHome();
    await flushPromises();
    expect(openStaffPicker).toHaveBeenCalledOnce();
  });

  it("shows an error with retry", async () => {
    vi.mocked(sidebarApi.getMe)
      .mockRejectedValueOnce(new ApiError(500, "internal", "服务器错误"))
      .mockResolvedValueOnce(sampleMe);
    const { wrapper } = mountHome();
    await flushPromises();
    expect(wrapper.find('[data-test="home-error"]').text()).toContain("服务器错误");
    await wrapper.find('[data-test="home-retry"]').trigger("click");
    await flushPromises();
    expect(wrapper.find('[data-test="customer-count"]').text()).toBe("214");
  });
});
