import type { DataSource } from "typeorm";
import { num, sqlTime } from "../src/db/dialect.ts";
import { createRng } from "../src/demo/random.ts";
import type { UserView } from "../src/modules/auth/auth.schemas.ts";
import { customerListQuery } from "../src/modules/customers/customers.schemas.ts";
import { CustomersService } from "../src/modules/customers/customers.service.ts";
import { lifecycleTagCode, segmentTagCode } from "../src/modules/tags/system-tags.ts";
import { load } from "./bench-kit.ts";

/**
 * The customer list part of bench:rfm: the directory the list filters on (stores, staff, follow
 * relations) and a timed workload of list requests through the same service the HTTP route calls,
 * after the recompute has written segments, lifecycle and system tags.
 */

const STAFF_PER_STORE = 40;

/** One store per 20 000 customers (at least 3), 40 staff each, every customer followed once, 10 % twice. */
export async function generateDirectory(ds: DataSource, customers: number, seed: number, at: Date): Promise<void> {
  const stores = Math.max(3, Math.ceil(customers / 20_000));
  const staff = stores * STAFF_PER_STORE;
  const t = sqlTime(at);
  await load(ds, "stores", ["id", "code", "name", "city", "created_at", "updated_at"], stores, (i) => [
    i + 1,
    `S${String(i + 1).padStart(4, "0")}`,
    `门店${i + 1}`,
    null,
    t,
    t,
  ]);
  await load(
    ds,
    "staff",
    ["id", "userid", "name", "kind", "status", "customer_contact_enabled", "created_at", "updated_at"],
    staff,
    (i) => [i + 1, `guide${i + 1}`, `导购${i + 1}`, "guide", "active", 1, t, t],
  );
  await load(ds, "staff_stores", ["staff_id", "store_id", "is_manager"], staff, (i) => [
    i + 1,
    Math.floor(i / STAFF_PER_STORE) + 1,
    0,
  ]);
  const rng = createRng(seed, "follows");
  const second = Math.floor(customers * 0.1);
  await load(
    ds,
    "follow_relations",
    ["id", "customer_id", "staff_id", "add_way", "added_at", "status", "created_at", "updated_at"],
    customers + second,
    (i) => {
      // the first `customers` rows: each customer's owner; then a second follower for every tenth
      const customerId = i < customers ? i + 1 : (i - customers) * 10 + 1;
      const staffId = i < customers ? ((customerId * 7919) % staff) + 1 : rng.int(1, staff);
      if (i >= customers && staffId === ((customerId * 7919) % staff) + 1) return null;
      return [i + 1, customerId, staffId, 1, t, "active", t, t];
    },
  );
}

export interface ListTiming {
  requests: number;
  p50_ms: number;
  p95_ms: number;
  max_ms: number;
  slowest: string;
  /** the slowest sample of each request, for finding what to fix */
  byRequest: Record<string, number>;
  /** the slowest request sorted by an RFM figure instead of the default newest-first */
  sort_max_ms: number;
}

/**
 * Times `rounds` passes over a fixed mix of list requests (each filter of the list API alone and in
 * combination, HQ and store-manager scope, deep pages), after one untimed warm-up pass.
 */
export async function timeCustomerList(ds: DataSource, rounds = 5): Promise<ListTiming> {
  const service = new CustomersService(ds);
  const tag = async (code: string) => {
    const [row] = await ds.query("SELECT id FROM tags WHERE code = ?", [code]);
    if (!row) throw new Error(`system tag ${code} is missing: run the recompute first`);
    return num(row.id);
  };
  const tags = {
    value: await tag(segmentTagCode("important_value")),
    retain: await tag(segmentTagCode("important_retain")),
    active: await tag(lifecycleTagCode("active")),
    churned: await tag(lifecycleTagCode("churned")),
  };
  const hq: UserView = { id: 1, username: "bench-hq", displayName: "HQ", role: "hq_admin", storeIds: [] };
  const manager: UserView = { ...hq, id: 2, username: "bench-manager", role: "store_manager", storeIds: [2] };
  const requests: [string, Record<string, string>, UserView][] = [
    ["first page", {}, hq],
    ["page 50", { page: "50" }, hq],
    ["segment", { segment: "important_value" }, hq],
    ["two segments", { segment: "important_retain,general_retain" }, hq],
    ["lifecycle", { lifecycle: "churned" }, hq],
    ["store", { store: "1" }, hq],
    ["owner", { owner: "guide7" }, hq],
    ["tag any", { tagsAny: `${tags.value},${tags.retain}` }, hq],
    ["tag all", { tagsAll: `${tags.value},${tags.active}` }, hq],
    ["tag none", { tagsNone: String(tags.churned) }, hq],
    ["score ranges", { rMin: "4", fMin: "3", mMax: "4" }, hq],
    ["monetary range", { monetaryMin: "100000", monetaryMax: "500000" }, hq],
    ["segment + store + scores", { segment: "important_value", store: "3", rMin: "3" }, hq],
    ["lifecycle + tag none + owner", { lifecycle: "active", tagsNone: String(tags.value), owner: "guide12" }, hq],
    ["store manager, first page", {}, manager],
    ["store manager, segment", { segment: "general_keep" }, manager],
  ];
  // sorting by an RFM figure is timed and reported apart: the target is for filtered pages
  const sorts: [string, Record<string, string>, UserView][] = [
    ["sort by monetary", { sort: "-monetary" }, hq],
    ["sort by recency, segment", { sort: "recency", segment: "important_keep" }, hq],
  ];
  const parse = (list: typeof requests) =>
    list.map(([name, q, user]) => ({ name, q: customerListQuery.parse(q), user }));
  const parsed = parse(requests);
  const sortSamples: number[] = [];
  for (const r of parse(sorts)) {
    await service.list(r.q, r.user);
    for (let round = 0; round < rounds; round++) {
      const t0 = performance.now();
      await service.list(r.q, r.user);
      sortSamples.push(performance.now() - t0);
    }
  }
  for (const r of parsed) await service.list(r.q, r.user);
  const samples: { name: string; ms: number }[] = [];
  for (let round = 0; round < rounds; round++)
    for (const r of parsed) {
      const t0 = performance.now();
      await service.list(r.q, r.user);
      samples.push({ name: r.name, ms: performance.now() - t0 });
    }
  const byRequest: Record<string, number> = {};
  for (const s of samples) byRequest[s.name] = Math.max(byRequest[s.name] ?? 0, Math.round(s.ms * 10) / 10);
  samples.sort((a, b) => a.ms - b.ms);
  const at = (p: number) => samples[Math.min(samples.length - 1, Math.ceil(p * samples.length) - 1)]!.ms;
  const round1 = (ms: number) => Math.round(ms * 10) / 10;
  return {
    requests: samples.length,
    p50_ms: round1(at(0.5)),
    p95_ms: round1(at(0.95)),
    max_ms: round1(samples[samples.length - 1]!.ms),
    slowest: samples[samples.length - 1]!.name,
    byRequest,
    sort_max_ms: round1(Math.max(...sortSamples)),
  };
}
