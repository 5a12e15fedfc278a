import { flushPromises, mount } from "@vue/test-utils";
import ElementPlus from "element-plus";
import { createPinia } from "pinia";
import { describe, expect, it, vi } from "vitest";
import { createMemoryHistory, createRouter } from "vue-router";
import * as authApi from "@/api/auth";
import { ApiError } from "@/api/http";
import { createAppI18n } from "@/locales";
import LoginPage from "./index.vue";

vi.mock("@/api/auth", () => ({ getCurrentUser: vi.fn(), login: vi.fn(), logout: vi.fn() }));

async function mountLogin() {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/login", component: LoginPage },
      { path: "/:any(.*)*", component: { template: "<div>home</div>" } },
    ],
  });
  await router.push("/login?redirect=/reports");
  const wrapper = mount(LoginPage, {
    global: { plugins: [createPinia(), createAppI18n("zh-CN"), router, ElementPlus] },
  });
  return { wrapper, router };
}

describe("login page", () => {
  it("exposes the test hooks around real inputs", async () => {
    const { wrapper } = await mountLogin();
    expect(wrapper.find('[data-test="login-username"] input').exists()).toBe(true);
    expect(wrapper.find('[data-test="login-password"] input[type="password"]').exists()).toBe(true);
    expect(wrapper.find('button[data-test="login-submit"]').text()).toBe("登录");
  });

  it("shows the server's message on 401", async () => {
    vi.mocked(authApi.login).mockRejectedValue(new ApiError(401, "invalid_credentials", "用户名或密码错误"));
    const { wrapper } = await mountLogin();
    await wrapper.find('[data-test="login-username"] input').setValue("alice");
    await wrapper.find('[data-test="login-password"] input').setValue("wrong");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(authApi.login).toHaveBeenCalledWith({ username: "alice", password: "wrong" });
    expect(wrapper.find('[data-test="login-error"]').text()).toContain("用户名或密码错误");
  });

  it("goes to the redirect target after signing in", async () => {
    vi.mocked(authApi.login).mockResolvedValue({ user: { id: 1, username: "a", displayName: "A", role: "staff" } });
    const { wrapper, router } = await mountLogin();
    await wrapper.find('[data-test="login-username"] input').setValue("a");
    await wrapper.find('[data-test="login-password"] input').setValue("pw");
    await wrapper.find("form").trigger("submit");
    await flushPromises();
    expect(router.currentRoute.value.fullPath).toBe("/reports");
  });
});
