import { In, type EntityManager } from "typeorm";
import { execute, insertIgnoreRows, placeholders, sqlTime } from "../../db/dialect.ts";
import { Customer, FollowRelation, type IdentityKind } from "../customers/customer.entity.ts";
import { attachUnmatchedOrders } from "../orders/order-importer.ts";
import { RetryBatch, selectIn, updateRowsById, type BatchResult } from "./batch.ts";
import { customerKeys, type CustomerRow } from "./customer-rows.ts";
import type { RowProblem, RowStatus } from "./fields.ts";

const KEY_KINDS: IdentityKind[] = ["external_userid", "mobile", "unionid"];
const keyOf = (kind: string, value: string) => `${kind}\u0000${value}`;

export interface CustomerBatchResult extends BatchResult {
  /** customer id → line of the row that wrote it; the caller adds them to `claimed` after commit */
  claims: [number, number][];
}

interface Plan {
  row: CustomerRow;
  keys: { kind: IdentityKind; value: string }[];
  customerId: number | null;
  staffId: number | null;
  storeId: number | null;
  status: RowStatus;
}

/**
 * Upserts one batch of customers.csv rows (a handful of set-based statements per batch, never one
 * per row). A customer is found by any of the row's keys (external_userid, mobile, unionid) in
 * customer_identities, or by customers.external_userid for a contact whose identities were never
 * recorded; it is updated rather than duplicated, and every key of the row is recorded as an
 * identity. A row identical to what is stored writes nothing.
 *
 * Rejected here (the rest of the batch goes on): a key that already names another customer, a
 * conflicting external_userid or unionid, an unknown owner_userid or store_code, a row that
 * matches a customer an earlier row of the same file already wrote (`claimed`: customer id → line).
 *
 * At the end, unmatched orders whose customer_ref is one of the batch's keys are attached.
 * The caller runs it in a transaction (inBatchTransaction) and guarantees that no two rows of a
 * batch share a key.
 */
export async function importCustomerBatch(
  em: EntityManager,
  rows: CustomerRow[],
  opts: { now: Date; claimed: Map<number, number> },
): Promise<CustomerBatchResult> {
  const { now, claimed } = opts;
  const t = sqlTime(now);
  const problems: RowProblem[] = [];
  const accepted: Plan[] = [];
  const reject = (row: CustomerRow, column: string | null, reason: string) =>
    problems.push({ line: row.line, column, reason });

  // who already holds each key
  const values = rows.flatMap((r) => customerKeys(r).map((k) => k.value));
  const identityRows = await selectIn<{ customer_id: number; kind: string; value: string }>(
    em,
    (list) =>
      `SELECT customer_id, kind, value FROM customer_identities WHERE kind IN (${placeholders(KEY_KINDS.length)}) AND value IN (${list})`,
    values,
    KEY_KINDS,
  );
  const recorded = new Map(identityRows.map((r) => [keyOf(r.kind, r.value), Number(r.customer_id)]));
  const holder = new Map(recorded);
  const extIds = rows.flatMap((r) => (r.externalUserid ? [r.externalUserid] : []));
  for (const c of await selectIn<{ id: number; external_userid: string }>(
    em,
    (list) => `SELECT id, external_userid FROM customers WHERE external_userid IN (${list})`,
    extIds,
  ))
    if (!holder.has(keyOf("external_userid", c.external_userid)))
      holder.set(keyOf("external_userid", c.external_userid), Number(c.id));

  const staff = new Map(
    (
      await selectIn<{ id: number; userid: string }>(
        em,
        (list) => `SELECT id, userid FROM staff WHERE userid IN (${list})`,
        rows.flatMap((r) => (r.ownerUserid ? [r.ownerUserid] : [])),
      )
    ).map((s) => [s.userid, Number(s.id)]),
  );
  const stores = new Map(
    (
      await selectIn<{ id: number; code: string }>(
        em,
        (list) => `SELECT id, code FROM stores WHERE code IN (${list})`,
        rows.flatMap((r) => (r.storeCode ? [r.storeCode] : [])),
      )
    ).map((s) => [s.code, Number(s.id)]),
  );

  const candidates = new Set(holder.values());
  const existing = new Map(
    (candidates.size ? await em.getRepository(Customer).findBy({ id: In([...candidates]) }) : []).map((c) => [c.id, c]),
  );
  // customer id → line of the row that writes it, in this file (earlier batches) and this batch
  const taken = new Map(claimed);
  const customerUpdates: { id: number; values: unknown[] }[] = [];
  for (const row of rows) {
    const keys = customerKeys(row);
    const found = keys.map((k) => ({ ...k, id: holder.get(keyOf(k.kind, k.value)) }));
    const first = found.find((k) => k.id !== undefined);
    const other = first && found.find((k) => k.id !== undefined && k.id !== first.id);
    if (other) {
      reject(row, other.kind, `${other.value} already identifies another customer than ${first.kind} ${first.value}`);
      continue;
    }
    if (first && taken.has(first.id!)) {
      reject(row, first.kind, `matches the same customer as line ${taken.get(first.id!)}`);
      continue;
    }
    const c = first ? existing.get(first.id!) : undefined;
    if (c && row.externalUserid && c.externalUserid && c.externalUserid !== row.externalUserid) {
      reject(
        row,
        "external_userid",
        `the customer found by ${first!.kind} already has external_userid ${c.externalUserid}`,
      );
      continue;
    }
    if (c && row.unionid && c.unionid && c.unionid !== row.unionid) {
      reject(row, "unionid", `the customer found by ${first!.kind} already has unionid ${c.unionid}`);
      continue;
    }
    const staffId = row.ownerUserid ? staff.get(row.ownerUserid) : undefined;
    if (row.ownerUserid && staffId === undefined) {
      reject(row, "owner_userid", `unknown staff member ${row.ownerUserid} (sync staff from WeCom first)`);
      continue;
    }
    const storeId = row.storeCode ? stores.get(row.storeCode) : undefined;
    if (row.storeCode && storeId === undefined) {
      reject(row, "store_code", `unknown store ${row.storeCode}`);
      continue;
    }
    const plan: Plan = {
      row,
      keys,
      customerId: first?.id ?? null,
      staffId: staffId ?? null,
      storeId: storeId ?? null,
      status: "unchanged",
    };
    accepted.push(plan);
    if (!c) continue;
    taken.set(c.id, row.line);
    // what the row changes on the stored customer (an empty cell changes nothing)
    const next = {
      externalUserid: row.externalUserid ?? c.externalUserid,
      name: row.name ?? c.name,
      gender: row.gender ?? c.gender,
      mobile: row.mobile ?? c.mobile,
      unionid: row.unionid ?? c.unionid,
    };
    if (
      next.externalUserid !== c.externalUserid ||
      next.name !== c.name ||
      next.gender !== c.gender ||
      next.mobile !== c.mobile ||
      next.unionid !== c.unionid
    ) {
      plan.status = "updated";
      customerUpdates.push({
        id: c.id,
        values: [next.externalUserid, next.name, next.gender, next.mobile, next.unionid, t],
      });
    }
  }
  await updateRowsById(
    em,
    "customers",
    ["external_userid", "name", "gender", "mobile", "unionid", "updated_at"],
    customerUpdates,
  );

  // new customers: one multi-row insert, read back by the ids above the previous maximum (inside
  // this transaction only our own rows are there) and matched to their rows by natural key
  const fresh = accepted.filter((p) => p.customerId === null);
  if (fresh.length) {
    const [{ max }] = (await em.query("SELECT MAX(id) AS max FROM customers")) as { max: number | null }[];
    const before = Number(max ?? 0);
    const cols = ["external_userid", "name", "gender", "mobile", "unionid", "source", "type", "do_not_disturb"];
    const all = [...cols, "created_at", "updated_at"];
    for (let i = 0; i < fresh.length; i += 1000) {
      const part = fresh.slice(i, i + 1000);
      await execute(
        em,
        `INSERT INTO customers (${all.join(", ")}) VALUES ${part.map(() => `(${placeholders(all.length)})`).join(", ")}`,
        part.flatMap(({ row: r }) => [
          r.externalUserid,
          r.name ?? "",
          r.gender ?? 0,
          r.mobile,
          r.unionid,
          "import",
          1,
          0,
          t,
          t,
        ]),
      );
    }
    const created = (await em.query(
      "SELECT id, external_userid, mobile, unionid FROM customers WHERE id > ? ORDER BY id",
      [before],
    )) as { id: number; external_userid: string | null; mobile: string | null; unionid: string | null }[];
    const byKey = new Map<string, number[]>();
    for (const c of created)
      for (const kind of KEY_KINDS) {
        const v = c[kind as "external_userid" | "mobile" | "unionid"];
        if (v) byKey.set(keyOf(kind, v), [...(byKey.get(keyOf(kind, v)) ?? []), Number(c.id)]);
      }
    for (const p of fresh) {
      const natural = p.keys[0]!;
      const ids = byKey.get(keyOf(natural.kind, natural.value)) ?? [];
      if (ids.length !== 1) throw new RetryBatch("customers");
      p.customerId = ids[0]!;
      p.status = "inserted";
    }
  }

  // every key of every accepted row is an identity of its customer
  const newIdentities = accepted.flatMap((p) =>
    p.keys
      .filter((k) => recorded.get(keyOf(k.kind, k.value)) !== p.customerId)
      .map((k) => [p.customerId, k.kind, k.value, t]),
  );
  if (
    (await insertIgnoreRows(
      em,
      "customer_identities",
      ["customer_id", "kind", "value", "created_at"],
      newIdentities,
    )) !== newIdentities.length
  )
    throw new RetryBatch("customer_identities");
  const withNewKey = new Set(newIdentities.map((r) => r[0] as number));
  for (const p of accepted) if (p.status === "unchanged" && withNewKey.has(p.customerId!)) p.status = "updated";

  await writeFollows(em, accepted, now);
  await linkOwnersToStores(em, accepted);

  const attached = await attachUnmatchedOrders(em, {
    refs: accepted.flatMap((p) => p.keys.map((k) => k.value)),
    now,
  });
  return {
    statuses: accepted.map((p) => ({ line: p.row.line, status: p.status })),
    problems,
    attached,
    claims: accepted.map((p) => [p.customerId!, p.row.line]),
  };
}

/**
 * owner_userid + added_at: the follow relation is created when missing. An existing relation is
 * refreshed (added_at) only when it came from an import: WeCom owns the relations it synced.
 */
async function writeFollows(em: EntityManager, plans: Plan[], now: Date): Promise<void> {
  const owned = plans.filter((p) => p.staffId !== null);
  if (!owned.length) return;
  const t = sqlTime(now);
  const existing = await em.getRepository(FollowRelation).find({
    select: { id: true, customerId: true, staffId: true, addedAt: true, syncedAt: true },
    where: { customerId: In([...new Set(owned.map((p) => p.customerId!))]) },
  });
  const byPair = new Map(existing.map((f) => [`${f.customerId}:${f.staffId}`, f]));
  const inserts: unknown[][] = [];
  const updates: { id: number; values: unknown[] }[] = [];
  for (const p of owned) {
    const f = byPair.get(`${p.customerId}:${p.staffId}`);
    const addedAt = p.row.addedAt!;
    if (!f) {
      inserts.push([p.customerId, p.staffId, 0, sqlTime(addedAt), "active", t, t]);
    } else if (f.syncedAt === null && f.addedAt.getTime() !== addedAt.getTime()) {
      updates.push({ id: f.id, values: [sqlTime(addedAt), t] });
    } else continue;
    if (p.status === "unchanged") p.status = "updated";
  }
  const cols = ["customer_id", "staff_id", "add_way", "added_at", "status", "created_at", "updated_at"];
  if ((await insertIgnoreRows(em, "follow_relations", cols, inserts)) !== inserts.length)
    throw new RetryBatch("follow_relations");
  await updateRowsById(em, "follow_relations", ["added_at", "updated_at"], updates);
}

/** store_code names the store the owner belongs to: the link is added when missing, never removed. */
async function linkOwnersToStores(em: EntityManager, plans: Plan[]): Promise<void> {
  const linked = plans.filter((p) => p.staffId !== null && p.storeId !== null);
  if (!linked.length) return;
  const existing = await selectIn<{ staff_id: number; store_id: number }>(
    em,
    (list) => `SELECT staff_id, store_id FROM staff_stores WHERE staff_id IN (${list})`,
    linked.map((p) => p.staffId),
  );
  const have = new Set(existing.map((l) => `${l.staff_id}:${l.store_id}`));
  const inserts: unknown[][] = [];
  for (const p of linked) {
    const k = `${p.staffId}:${p.storeId}`;
    if (have.has(k)) continue;
    have.add(k);
    inserts.push([p.staffId, p.storeId, 0]);
    if (p.status === "unchanged") p.status = "updated";
  }
  await insertIgnoreRows(em, "staff_stores", ["staff_id", "store_id", "is_manager"], inserts);
}
