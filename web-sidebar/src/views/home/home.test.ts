import { flushPromises, mount } from "@vue/test-utils";
import { createPinia, setActivePinia } from "pinia";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory, createRouter } from "vue-router";
import { sampleMe } from "@/api/fixtures";
import { ApiError } from "@/api/http";
import * as sidebarApi from "@/api/sidebar";
import { createAppI18n } from "@/locales";
import { WECOM_BRIDGE } from "@/wecom";
import { createDevBridge } from "@/wecom/dev-bridge";
import HomePage from "./index.vue";

vi.mock("@/api/sidebar", () => ({ getMe: vi.fn(), getBootstrap: vi.fn() }));

function testRouter() {
  const page = { template: "<div />" };
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/", name: "home", component: HomePage },
      { path: "/customer/:externalUserId", name: "customer", component: page },
      { path: "/group/:chatId", name: "group", component: page },
      { path: "/tasks", name: "tasks", component: page },
      { path: "/materials", name: "materials", component: page },
    ],
  });
}

async function mountHome(openStaffPicker = vi.fn(async () => {}), opts: { search?: string; path?: string } = {}) {
  const storage = new Map<string, string>();
  const bridge = createDevBridge({
    openStaffPicker,
    search: () => opts.search ?? "?entry=single_chat_tools&externalUserId=wm1",
    storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
  });
  const router = testRouter();
  await router.push(opts.path ?? "/?stay=1"); // the page's own home link: no redirect by chat
  const wrapper = mount(HomePage, {
    global: { plugins: [createAppI18n("zh-CN"), router], provide: { [WECOM_BRIDGE as symbol]: bridge } },
  });
  return { wrapper, openStaffPicker, router };
}

beforeEach(() => setActivePinia(createPinia()));

describe("home page", () => {
  it("shows skeletons, then the staff member and counts", async () => {
    let resolve!: (v: typeof sampleMe) => void;
    vi.mocked(sidebarApi.getMe).mockReturnValue(new Promise((r) => (resolve = r)));
    const { wrapper } = await mountHome();
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
    const { openStaffPicker } = await mountHome();
    await flushPromises();
    expect(openStaffPicker).toHaveBeenCalledOnce();
  });

  it("shows an error with retry", async () => {
    vi.mocked(sidebarApi.getMe)
      .mockRejectedValueOnce(new ApiError(500, "internal", "服务器错误"))
      .mockResolvedValueOnce(sampleMe);
    const { wrapper } = await mountHome();
    await flushPromises();
    expect(wrapper.find('[data-test="home-error"]').text()).toContain("服务器错误");
    await wrapper.find('[data-test="home-retry"]').trigger("click");
    await flushPromises();
    expect(wrapper.find('[data-test="customer-count"]').text()).toBe("214");
  });

  it("opens the customer of a one-to-one chat, and the group of a group chat", async () => {
    vi.mocked(sidebarApi.getMe).mockResolvedValue(sampleMe);
    const single = await mountHome(undefined, { path: "/" });
    await flushPromises();
    expect(single.router.currentRoute.value.fullPath).toBe("/customer/wm1");
    const group = await mountHome(undefined, { path: "/", search: "?entry=group_chat_tools&chatId=wr9" });
    await flushPromises();
    expect(group.router.currentRoute.value.fullPath).toBe("/group/wr9");
    const none = await mountHome(undefined, { path: "/", search: "?entry=normal" });
    await flushPromises();
    expect(none.router.currentRoute.value.name).toBe("home");
    expect(none.wrapper.find('[data-test="home-switch-chat"]').exists()).toBe(true);
  });
});
