import { http, type QueryValue } from "./http";
import type { CustomerListItem, CustomerListQuery, CustomerProfile, Paged } from "./types";

/** Lists go comma-joined (`segment=a,b`); empty lists and unset values are left out. */
export function customerQueryParams(query: CustomerListQuery): Record<string, QueryValue> {
  const params: Record<string, QueryValue> = {};
  for (const [key, value] of Object.entries(query) as [string, unknown][]) {
    if (Array.isArray(value)) {
      if (value.length) params[key] = value.join(",");
    } else if (value !== undefined && value !== null && value !== "") {
      params[key] = value as QueryValue;
    }
  }
  return params;
}

export function listCustomers(query: CustomerListQuery, signal?: AbortSignal): Promise<Paged<CustomerListItem>> {
  return http.get<Paged<CustomerListItem>>("/api/v1/customers", { query: customerQueryParams(query), signal });
}

/** The CSV download of every customer matching the filter (page and page size are ignored). */
export function customersExportUrl(query: CustomerListQuery): string {
  const { page: _page, pageSize: _pageSize, ...filter } = query;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(customerQueryParams(filter as CustomerListQuery))) params.set(k, String(v));
  const qs = params.toString();
  return `/api/v1/customers/export.csv${qs ? `?${qs}` : ""}`;
}

export function getCustomerProfile(id: number, signal?: AbortSignal): Promise<CustomerProfile> {
  return http.get<CustomerProfile>(`/api/v1/customers/${id}`, { signal });
}

/** Manual tags only; the server answers 403 for system tags. */
export async function addCustomerTag(customerId: number, tagId: number): Promise<void> {
  await http.post<void>(`/api/v1/customers/${customerId}/tags`, { tagId });
}

export async function removeCustomerTag(customerId: number, tagId: number): Promise<void> {
  await http.delete<void>(`/api/v1/customers/${customerId}/tags/${tagId}`);
}
