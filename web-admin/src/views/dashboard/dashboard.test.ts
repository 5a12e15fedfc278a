import { flushPromises, mount } from "@vue/test-utils";
import ElementPlus from "element-plus";
import { describe, expect, it, vi } from "vitest";
import * as dashboardApi from "@/api/dashboard";
import { ApiError } from "@/api/http";
import type { DashboardSummary } from "@/api/types";
import { createAppI18n } from "@/locales";
import DashboardPage from "./index.vue";

vi.mock("@/api/dashboard", () => ({ getDashboardSummary: vi.fn() }));

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

function mountDashboard() {
  // The chart is stubbed by its component name: zrender cannot draw in happy-dom.
  return mount(DashboardPage, {
    global: { plugins: [createAppI18n("zh-CN"), ElementPlus], stubs: { Echarts: true } },
  });
}

describe("dashboard page", () => {
  it("shows formatted counts and revenue", async () => {
    vi.mocked(dashboardApi.getDashboardSummary).mockResolvedValue(summary);
    const wrapper = mountDashboard();
    await flushPromises();
    const text = (id: string) => wrapper.find(`[data-test="${id}"]`).text();
    expect(text("count-customers")).toBe("3,000");
    expect(text("count-orders")).toBe("12,345");
    expect(text("revenue")).toBe("¥1,234,567.89");
    expect(text("count-groups")).toBe("40");
    expect(text("count-staff")).toBe("25");
    expect(text("count-stores")).toBe("5");
    expect(text("segments")).toContain("RFM");
  });

  it("offers a retry after an error", async () => {
    vi.mocked(dashboardApi.getDashboardSummary)
      .mockRejectedValueOnce(new ApiError(500, "internal", "服务器错误"))
      .mockResolvedValueOnce(summary);
    const wrapper = mountDashboard();
    await flushPromises();
    expect(wrapper.find('[data-test="dashboard-error"]').text()).toContain("服务器错误");
    await wrapper.find('[data-test="dashboard-retry"]').trigger("click");
    await flushPromises();
    expect(wrapper.find('[data-test="count-customers"]').text()).toBe("3,000");
  });
});
