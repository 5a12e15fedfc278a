import { flushPromises, mount } from "@vue/test-utils";
import ElementPlus from "element-plus";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "@/api/http";
import * as importsApi from "@/api/imports";
import type { ImportJob } from "@/api/types";
import { createAppI18n } from "@/locales";
import ImportsPage from "./index.vue";

vi.mock("@/api/imports", async (importOriginal) => ({
  ...(await importOriginal<typeof importsApi>()),
  uploadImport: vi.fn(),
  getImport: vi.fn(),
  listImports: vi.fn(),
}));

const job = (patch: Partial<ImportJob>): ImportJob => ({
  ...{ id: 4, kind: "orders", source: "csv", filename: "orders.csv", status: "running", actor: "hq" },
  ...{ totalRows: 10, processedRows: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 },
  ...{ error: null, startedAt: "2026-05-20T05:14:00.000Z", finishedAt: null },
  ...patch,
});

async function mountPage() {
  const wrapper = mount(ImportsPage, { global: { plugins: [createAppI18n("zh-CN"), ElementPlus] } });
  await flushPromises();
  return wrapper;
}

async function chooseFile(wrapper: Awaited<ReturnType<typeof mountPage>>, file: File) {
  const input = wrapper.find('input[type="file"][data-test="import-file"]');
  Object.defineProperty(input.element, "files", { value: [file], configurable: true });
  await input.trigger("change");
  await flushPromises();
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
  vi.mocked(importsApi.listImports).mockResolvedValue({ items: [], page: 1, pageSize: 10, total: 0 });
});
afterEach(() => vi.useRealTimers());

describe("imports page", { timeout: 20_000 }, () => {
  it("uploads the chosen kind, follows the job every second and offers the error report", async () => {
    vi.mocked(importsApi.uploadImport).mockResolvedValue(job({}));
    vi.mocked(importsApi.getImport)
      .mockResolvedValueOnce(job({ processedRows: 5, inserted: 5 }))
      .mockResolvedValueOnce(job({ status: "done", processedRows: 10, inserted: 7, updated: 1, rejected: 2 }));
    const wrapper = await mountPage();
    expect(wrapper.find('[data-test="import-format"]').text()).toContain("order_no,customer_ref,paid_at");
    await wrapper.find('[data-test="import-kind-orders"] input').setValue(true);
    const file = new File(["order_no,customer_ref\n"], "orders.csv");
    await chooseFile(wrapper, file);
    expect(importsApi.uploadImport).toHaveBeenCalledWith("orders", file);
    expect(wrapper.find('[data-test="import-progress"]').text()).toContain("0%");

    await vi.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(wrapper.find('[data-test="import-progress"]').text()).toContain("50%");
    expect(wrapper.find('[data-test="import-error-report"]').exists()).toBe(false);

    await vi.advanceTimersByTimeAsync(1000);
    await flushPromises();
    expect(wrapper.find('[data-test="import-result"]').text()).toBe("新增 7，更新 1，未变化 0，拒绝 2");
    expect(wrapper.find('[data-test="import-error-report"]').attributes("href")).toBe("/api/v1/imports/4/errors.csv");
    await vi.advanceTimersByTimeAsync(3000);
    expect(importsApi.getImport).toHaveBeenCalledTimes(2);
  });

  it("shows why a file was refused", async () => {
    vi.mocked(importsApi.uploadImport).mockRejectedValue(
      new ApiError(400, "validation_failed", "x.csv was refused: wrong header on line 1"),
    );
    const wrapper = await mountPage();
    await chooseFile(wrapper, new File(["a,b\n"], "x.csv"));
    expect(wrapper.find('[data-test="import-error"]').text()).toContain("wrong header on line 1");
    expect(wrapper.find('[data-test="import-progress"]').exists()).toBe(false);
  });
});
