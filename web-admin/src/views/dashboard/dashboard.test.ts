import { flushPromises, mount } from "@vue/test-utils";
import ElementPlus from "element-plus";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { createMemoryHistory, createRouter } from "vue-router";
import * as dashboardApi from "@/api/dashboard";
import type { DashboardOverview } from "@/api/dashboard";
import { ApiError } from "@/api/http";
import type { DashboardSummary } from "@/api/types";
import { createAppI18n } from "@/locales";
import { change, formatChange, lastDays } from "./data";
import DashboardPage from "./index.vue";

vi.mock("@/api/dashboard", () => ({ getDashboardSummary: vi.fn(), getDashboardOverview: vi.fn() }));

const summary: DashboardSummary = {
  customers: 3000,
  followRelations: 3200,
  orders: 12345,
  revenueCents: 123456789,
  groups: 40,
  groupMembers: 2100,
  staff: 25,
  stores: 5,
  segments: [],
  ordersByMonth: [{ month: "2026-10", orders: 100, revenueCents: 500000 }],
};

const staffRate = (userid: string, name: string, completionRate: number) => ({
  staffId: 1,
  userid,
  name,
  targets: 10,
  sent: 5,
  converted: 1,
  completionRate,
  conversionRate: 0.2,
});

const overview: DashboardOverview = {
  period: { from: "2026-11-01", to: "2026-11-07", days: 7 },
  previous: { from: "2026-10-25", to: "2026-10-31", days: 7 },
  kpis: {
    customers: { value: 3000, previous: 2400 },
    newCustomers: { value: 600, previous: 0 },
    activeCustomers: { value: 90, previous: 100 },
    orders: { value: 120, previous: 100 },
    revenueCents: { value: 1_234_500, previous: 1_000_000 },
  },
  lifecycle: [
    { stage: "prospect", count: 10 },
    { stage: "new", count: 5 },
    { stage: "active", count: 4 },
    { stage: "silent", count: 2 },
    { stage: "churned", count: 1 },
  ],
  segments: [{ key: "important_value", count: 7 }],
  taskTrend: [{ day: "2026-11-01", targets: 4, completed: 2, sent: 2, converted: 1 }],
  groupActivity: [{ source: "bot", days: [{ day: "2026-11-01", messages: 3, activeMembers: 2 }] }],
  staff: {
    byCompletion: { top: [staffRate("li", "李娜", 0.9)], bottom: [staffRate("wang", "王芳", 0.1)] },
    byConversion: { top: [staffRate("li", "李娜", 0.9)], bottom: [] },
  },
};

async function mountDashboard(url = "/?from=2026-11-01&to=2026-11-07") {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: "/", name: "dashboard", component: DashboardPage },
      { path: "/customers", name: "customers", component: { template: "<div />" } },
      { path: "/staff", name: "staff", component: { template: "<div />" } },
      { path: "/campaigns", name: "campaigns", component: { template: "<div />" } },
      { path: "/groups", component: { template: "<div />" } },
    ],
  });
  await router.push(url);
  // The charts are stubbed by their component name: zrender cannot draw in happy-dom.
  const wrapper = mount(DashboardPage, {
    global: { plugins: [createAppI18n("zh-CN"), router, ElementPlus], stubs: { Echarts: true } },
  });
  await flushPromises();
  return { wrapper, router };
}

beforeEach(() => {
  vi.mocked(dashboardApi.getDashboardSummary).mockResolvedValue(summary);
  vi.mocked(dashboardApi.getDashboardOverview).mockResolvedValue(overview);
});

describe("dashboard page", () => {
  it("shows all-time counts and revenue", async () => {
    const { wrapper } = await mountDashboard();
    const text = (id: string) => wrapper.find(`[data-test="${id}"]`).text();
    expect(text("count-customers")).toBe("3,000");
    expect(text("count-orders")).toBe("12,345");
    expect(text("revenue")).toBe("¥1,234,567.89");
    expect(text("count-groups")).toBe("40");
    expect(text("count-staff")).toBe("25");
    expect(text("count-stores")).toBe("5");
  });

  it("asks for the period in the URL and shows each figure with its change and its list", async () => {
    const { wrapper } = await mountDashboard();
    expect(dashboardApi.getDashboardOverview).toHaveBeenLastCalledWith(
      { from: "2026-11-01", to: "2026-11-07" },
      expect.any(AbortSignal),
    );
    const kpi = (key: string) => wrapper.find(`[data-test="kpi-${key}"]`);
    expect(kpi("customers").find('[data-test="kpi-value"]').text()).toBe("3,000");
    expect(kpi("customers").text()).toContain("+25.0%");
    expect(kpi("activeCustomers").text()).toContain("-10.0%");
    expect(kpi("newCustomers").text()).toContain("上期无数据");
    expect(kpi("revenueCents").find('[data-test="kpi-value"]').text()).toBe("¥12,345.00");
    expect(kpi("revenueCents").attributes("href")).toBe(
      "/customers?boughtFrom=2026-11-01&boughtTo=2026-11-07&sort=-monetary",
    );
    expect(kpi("newCustomers").attributes("href")).toBe("/customers?addedFrom=2026-11-01&addedTo=2026-11-07");
    expect(wrapper.find('[data-test="lifecycle-silent"]').attributes("href")).toBe("/customers?lifecycle=silent");
    expect(wrapper.find('[data-test="segment-important_value"]').attributes("href")).toBe(
      "/customers?segment=important_value",
    );
    expect(wrapper.find('[data-test="staff-completion-top-li"]').attributes("href")).toBe("/staff?q=li");
    expect(wrapper.find('[data-test="staff-completion-bottom-wang"]').text()).toBe("王芳");
    expect(wrapper.find('[data-test="task-trend-link"]').attributes("href")).toBe("/campaigns");
  });

  it("defaults to the last 30 days and reloads when the period changes", async () => {
    const { router } = await mountDashboard("/");
    expect(dashboardApi.getDashboardOverview).toHaveBeenLastCalledWith(lastDays(30), expect.any(AbortSignal));
    await router.push("/?from=2026-10-01&to=2026-10-31");
    await flushPromises();
    expect(dashboardApi.getDashboardOverview).toHaveBeenLastCalledWith(
      { from: "2026-10-01", to: "2026-10-31" },
      expect.any(AbortSignal),
    );
  });

  it("offers a retry after an error", async () => {
    vi.mocked(dashboardApi.getDashboardSummary)
      .mockRejectedValueOnce(new ApiError(500, "internal", "服务器错误"))
      .mockResolvedValueOnce(summary);
    const { wrapper } = await mountDashboard();
    expect(wrapper.find('[data-test="dashboard-error"]').text()).toContain("服务器错误");
    await wrapper.find('[data-test="dashboard-retry"]').trigger("click");
    await flushPromises();
    expect(wrapper.find('[data-test="count-customers"]').text()).toBe("3,000");
  });
});

describe("period helpers", () => {
  it("computes the change against the previous period", () => {
    expect(change({ value: 120, previous: 100 })).toBeCloseTo(0.2);
    expect(change({ value: 5, previous: 0 })).toBeNull();
    expect(formatChange(-0.1)).toBe("-10.0%");
  });

  it("counts days in China time", () => {
    // 2026-11-07 17:00 UTC is already Nov 8 in China
    expect(lastDays(7, new Date("2026-11-07T17:00:00Z"))).toEqual({ from: "2026-11-02", to: "2026-11-08" });
  });
});
