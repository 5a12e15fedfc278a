import { flushPromises, mount } from "@vue/test-utils";
import ElementPlus from "element-plus";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory, createRouter } from "vue-router";
import * as customersApi from "@/api/customers";
import { ApiError } from "@/api/http";
import type { CustomerListItem, CustomerProfile } from "@/api/types";
import { createAppI18n } from "@/locales";
import CustomersPage from "./index.vue";

vi.mock("@/api/customers", async (importOriginal) => ({
  ...(await importOriginal<typeof customersApi>()),
  listCustomers: vi.fn(),
  getCustomerProfile: vi.fn(),
  addCustomerTag: vi.fn(),
  removeCustomerTag: vi.fn(),
}));
vi.mock("@/api/tags", () => ({ listTagGroups: vi.fn(async () => []) }));
vi.mock("@/api/directory", () => ({ listStores: vi.fn(async () => []), listStaff: vi.fn(async () => []) }));

const customer = (id: number, name: string): CustomerListItem => ({
  id,
  externalUserid: `wm${id}`,
  name,
  gender: 1,
  segment: "important_value",
  lifecycle: "active",
  rScore: 5,
  fScore: 4,
  mScore: 3,
  recencyDays: 12,
  frequency: 8,
  monetaryCents: 123456,
  lastPaidAt: null,
  owners: [{ userid: "zhangsan", name: "张三" }],
  tags: [{ id: 3, name: "VIP", source: "manual" }],
});

async function mountAt(url: string) {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [{ path: "/customers", name: "customers", component: CustomersPage }],
  });
  await router.push(url);
  const wrapper = mount(CustomersPage, {
    attachTo: document.body,
    global: { plugins: [createAppI18n("zh-CN"), router, ElementPlus] },
  });
  await flushPromises();
  return { wrapper, router };
}

beforeEach(() => {
  vi.mocked(customersApi.listCustomers).mockResolvedValue({
    items: [customer(1, "王小明"), customer(2, "李雷")],
    page: 1,
    pageSize: 20,
    total: 1234,
  });
});
afterEach(() => {
  document.body.innerHTML = "";
  localStorage.clear();
});

// Element Plus's table is slow to lay out in happy-dom: give these mounts room on a busy machine.
describe("customers page", { timeout: 20_000 }, () => {
  it("loads the list the URL describes, with a hook on every row", async () => {
    const { wrapper } = await mountAt("/customers?segment=important_value&monetaryMin=10000&page=2");
    expect(customersApi.listCustomers).toHaveBeenCalledWith(
      expect.objectContaining({ segment: ["important_value"], monetaryMin: 10000, page: 2, sort: "-id" }),
      expect.any(AbortSignal),
    );
    expect(wrapper.find('[data-test="customers-table"]').exists()).toBe(true);
    expect(wrapper.find('tr[data-test="customer-row-1"]').text()).toContain("王小明");
    expect(wrapper.find('tr[data-test="customer-row-2"]').text()).toContain("重要价值客户");
    expect(wrapper.find('[data-test="customers-total"]').text()).toBe("共 1,234 位客户");
  });

  it("writes a search into the URL and reloads from page 1", async () => {
    const { wrapper, router } = await mountAt("/customers?page=3");
    await wrapper.find('input[data-test="filter-q"]').setValue("王");
    await wrapper.find('[data-test="filter-apply"]').trigger("click");
    await flushPromises();
    expect(router.currentRoute.value.query).toEqual({ q: "王" });
    expect(customersApi.listCustomers).toHaveBeenLastCalledWith(
      expect.objectContaining({ q: "王", page: 1 }),
      expect.any(AbortSignal),
    );
  });

  it("opens the profile drawer on a row click", async () => {
    const profile = {
      customer: { id: 2, name: "李雷", gender: 1, doNotDisturb: false, createdAt: null },
      rfm: null,
      followRelations: [],
      orders: { paidCount: 3, netCents: 9900, recent: [] },
      tags: [{ id: 3, name: "VIP", source: "manual" }],
      tagHistory: [],
      groups: [],
      notes: [],
    } as unknown as CustomerProfile;
    vi.mocked(customersApi.getCustomerProfile).mockResolvedValue(profile);
    const { wrapper } = await mountAt("/customers");
    await wrapper.find('tr[data-test="customer-row-2"]').trigger("click");
    await flushPromises();
    expect(customersApi.getCustomerProfile).toHaveBeenCalledWith(2, expect.any(AbortSignal));
    const drawer = document.querySelector('[data-test="customer-drawer"]');
    expect(drawer?.textContent).toContain("已支付 3 单，净额 ¥99.00");
    expect(drawer?.querySelector('[data-test="profile-tag-3"]')?.textContent).toContain("VIP");
  });

  it("shows the error with a retry", async () => {
    vi.mocked(customersApi.listCustomers).mockRejectedValueOnce(new ApiError(500, "internal", "服务器错误"));
    const { wrapper } = await mountAt("/customers");
    expect(wrapper.text()).toContain("服务器错误");
    await wrapper.find('[data-test="customers-retry"]').trigger("click");
    await flushPromises();
    expect(wrapper.find('tr[data-test="customer-row-1"]').exists()).toBe(true);
  });
});
