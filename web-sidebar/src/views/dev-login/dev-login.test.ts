import { flushPromises, mount } from "@vue/test-utils";
import { createPinia } from "pinia";
import { describe, expect, it, vi } from "vitest";
import { createMemoryHistory, createRouter } from "vue-router";
import * as devApi from "@/api/dev";
import { sampleMe } from "@/api/fixtures";
import * as sidebarApi from "@/api/sidebar";
import { createAppI18n } from "@/locales";
import DevLoginPage from "./index.vue";

vi.mock("@/api/dev", () => ({ getDevStaff: vi.fn(), devLogin: vi.fn() }));
vi.mock("@/api/sidebar", () => ({ getMe: vi.fn(), getBootstrap: vi.fn() }));

describe("dev sign-in page", () => {
  it("lists staff and signs in as the picked one, then returns", async () => {
    vi.mocked(devApi.getDevStaff).mockResolvedValue({
      items: [
        { userid: "zhangsan", name: "张三", storeName: "静安店" },
        { userid: "lisi", name: "李四", storeName: null },
      ],
    });
    vi.mocked(devApi.devLogin).mockResolvedValue({ staff: { userid: "zhangsan" } });
    vi.mocked(sidebarApi.getMe).mockResolvedValue(sampleMe);
    const router = createRouter({
      history: createMemoryHistory(),
      routes: [
        { path: "/dev-login", component: DevLoginPage },
        { path: "/", component: { template: "<div>home</div>" } },
      ],
    });
    await router.push("/dev-login?redirect=/%3Fentry%3Dnormal");
    const wrapper = mount(DevLoginPage, { global: { plugins: [createPinia(), createAppI18n("zh-CN"), router] } });
    await flushPromises();

    const picker = wrapper.find('[data-test="dev-staff-picker"]');
    expect(picker.findAll('[data-test^="dev-staff-"]').map((c) => c.attributes("data-test"))).toEqual([
      "dev-staff-zhangsan",
      "dev-staff-lisi",
    ]);
    await wrapper.find('[data-test="dev-staff-zhangsan"]').trigger("click");
    await flushPromises();
    expect(devApi.devLogin).toHaveBeenCalledWith("zhangsan");
    expect(router.currentRoute.value.fullPath).toBe("/?entry=normal");
  });
});
