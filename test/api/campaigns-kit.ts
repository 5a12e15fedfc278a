import { expect } from "vitest";
import { num } from "../../server/src/db/dialect.ts";
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import type { DataSource } from "typeorm";
import { CampaignLaunch1732665600000 } from "../../migrations/1732665600000-campaign-launch.ts";
import type { AppState } from "../../server/src/http/app-context.ts";
import { errorMiddleware } from "../../server/src/http/error-middleware.ts";
import { requestLog } from "../../server/src/http/request-log.ts";
import { SessionCodec } from "../../server/src/http/session.ts";
import { loadAdminSession } from "../../server/src/modules/auth/auth.middleware.ts";
import { authRoutes } from "../../server/src/modules/auth/auth.routes.ts";
import type { UserView } from "../../server/src/modules/auth/auth.schemas.ts";
import { AuthService } from "../../server/src/modules/auth/auth.service.ts";
import { CampaignLaunch, type CampaignWecom } from "../../server/src/modules/campaigns/campaign-launch.ts";
import { MassSendReconciler } from "../../server/src/modules/campaigns/mass-send-reconcile.ts";
import { CampaignTracking } from "../../server/src/modules/campaigns/campaign-tracking.ts";
import { campaignsRoutes } from "../../server/src/modules/campaigns/campaigns.routes.ts";
import { CampaignMeasurementService } from "../../server/src/modules/campaigns/campaign-measurement.ts";
import { campaignInputSchema } from "../../server/src/modules/campaigns/campaigns.schemas.ts";
import { CampaignsService } from "../../server/src/modules/campaigns/campaigns.service.ts";
import { Customer, FollowRelation } from "../../server/src/modules/customers/customer.entity.ts";
import { CustomersService } from "../../server/src/modules/customers/customers.service.ts";
import { MaterialsService } from "../../server/src/modules/materials/materials.service.ts";
import type { MaterialContent } from "../../server/src/modules/materials/material.schemas.ts";
import type { NotificationService, SendOutcome } from "../../server/src/modules/notifications/notification.service.ts";
import { SegmentsService } from "../../server/src/modules/segments/segments.service.ts";
import { SettingsService } from "../../server/src/modules/settings/settings.service.ts";
import { CustomerTag, Tag, TagGroup } from "../../server/src/modules/tags/tag.entity.ts";
import { fixedClock, type Clock } from "../../server/src/platform/clock.ts";
import type { WecomTestServer } from "../support/wecom-server.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import type { WecomClient } from "../../server/src/wecom/wecom-client.ts";
import type { TextCard } from "../../server/src/wecom/wecom-types.ts";
import { given } from "../support/given.ts";

export const PUBLIC_URL = "https://siyu.test";
const log = createLogger("silent");

/**
 * Applies the campaign-launch migration to a test database when the lead has not yet registered
 * it in migrations/index.ts (the migration is idempotent, so this is harmless afterwards).
 */
export async function ensureCampaignSchema(ds: DataSource): Promise<void> {
  const runner = ds.createQueryRunner();
  try {
    await new CampaignLaunch1732665600000().up(runner);
  } finally {
    await runner.release();
  }
}

export interface SentCard {
  kind: string;
  touser: string[];
  card: TextCard;
  key: string | undefined;
}

/** Records every notification and deduplicates by key, like NotificationService does. */
export function recordingNotifications() {
  const sent: SentCard[] = [];
  const keys = new Set<string>();
  const service = {
    sendTextCard: async (kind: string, touser: string[], card: TextCard, key?: string): Promise<SendOutcome> => {
      if (key && keys.has(key)) return { status: "duplicate", invalid: [], unlicensed: [] };
      if (key) keys.add(key);
      sent.push({ kind, touser, card, key });
      return { status: "sent", invalid: [], unlicensed: [] };
    },
  };
  return { sent, service: service as unknown as NotificationService };
}

/** The campaign services over one DataSource, as app.ts would build them. */
export function campaignServices(ds: DataSource, opts: { clock: Clock; wecom: CampaignWecom | null }) {
  const { clock, wecom } = opts;
  const segments = new SegmentsService(ds, new CustomersService(ds), clock);
  const materials = new MaterialsService(ds, clock);
  const settings = new SettingsService(ds, clock);
  const campaigns = new CampaignsService(ds, segments, clock, log, wecom?.client ?? null);
  const launch = new CampaignLaunch(ds, campaigns, segments, materials, settings, clock, log, wecom, PUBLIC_URL);
  const tracking = new CampaignTracking(ds, clock, log, wecom, PUBLIC_URL);
  const reconciler = wecom ? new MassSendReconciler(ds, clock, wecom.client, materials, PUBLIC_URL, log) : null;
  return { segments, materials, settings, campaigns, launch, tracking, reconciler };
}

/** Everything a campaign test needs on one database: builders, services and a fixed clock. */
export async function campaignKit(
  ds: DataSource,
  opts: { now?: Date; wecom?: CampaignWecom | null; client?: Partial<WecomClient> } = {},
) {
  await ensureCampaignSchema(ds);
  const clock = fixedClock(opts.now ?? new Date());
  const notifications = recordingNotifications();
  const wecom =
    opts.wecom === undefined
      ? { client: (opts.client ?? {}) as WecomClient, notifications: notifications.service }
      : opts.wecom;
  const services = campaignServices(ds, { clock, wecom });
  const g = given(ds);
  const hqUser = await g.user({ role: "hq_admin" });
  const hq: UserView = { ...hqUser, storeIds: [] };
  const now = () => clock.now();
  const hours = (h: number) => new Date(now().getTime() + h * 3600_000);

  const kit = {
    ds,
    clock,
    g,
    hq,
    sent: notifications.sent,
    ...services,
    hours,

    async material(content: MaterialContent = { type: "text", text: "{{staff.name}} 的新品推荐" }) {
      return (await services.materials.save({ title: "素材", content }, null)).id;
    },

    /** A manual tag on the given customers, and the segment rule selecting them. */
    async audience(customerIds: number[]) {
      const at = now();
      const code = `manual:t${Math.random().toString(36).slice(2)}`;
      const group = await ds
        .getRepository(TagGroup)
        .save({ code, name: "测试", source: "manual", sort: 0, wecomGroupId: null, createdAt: at, updatedAt: at });
      const tag = await ds.getRepository(Tag).save({
        groupId: group.id,
        code,
        name: "测试",
        source: "manual",
        isSystem: false,
        mirrorToWecom: false,
        wecomTagId: null,
        sort: 0,
        deletedAt: null,
        createdAt: at,
        updatedAt: at,
      });
      await tagCustomers(ds, tag.id, customerIds, at);
      return { all: [{ field: "tags", op: "any", tagIds: [tag.id] }] };
    },

    /** A draft with sensible defaults; `over` uses the API's input shape. */
    async draft(over: Record<string, unknown> & { audience: unknown }, user: UserView = hq) {
      const materials = over.materials ?? [{ variant: "A", materialId: await kit.material(), share: 100 }];
      const input = campaignInputSchema.parse({
        name: "双十一回访",
        channel: "private_chat",
        materials,
        startAt: now().toISOString(),
        deadlineAt: hours(72).toISOString(),
        ...over,
      });
      return services.campaigns.create(input, user);
    },

    /** n customers, each followed by `staffId` (bulk inserts). */
    async customers(n: number, staffId?: number, follow: Partial<FollowRelation> = {}) {
      const at = now();
      const rows = Array.from({ length: n }, () => ({
        externalUserid: `wm${Math.random().toString(36).slice(2)}${Math.random().toString(36).slice(2)}`,
        name: "客户",
        type: 1,
        gender: 0,
        source: "test",
        doNotDisturb: false,
        avatar: null,
        unionid: null,
        mobile: null,
        memberNo: null,
        corpName: null,
        createdAt: at,
        updatedAt: at,
      }));
      const ids: number[] = [];
      for (let i = 0; i < rows.length; i += 500) {
        const r = await ds.getRepository(Customer).insert(rows.slice(i, i + 500));
        ids.push(...r.identifiers.map((x) => Number(x.id)));
      }
      if (staffId)
        for (let i = 0; i < ids.length; i += 500)
          await ds.getRepository(FollowRelation).insert(
            ids.slice(i, i + 500).map((customerId) => ({
              customerId,
              staffId,
              addWay: 1,
              addedAt: at,
              status: "active" as const,
              remark: null,
              description: null,
              remarkMobiles: null,
              state: null,
              operUserid: null,
              wecomTagIds: null,
              endedAt: null,
              lastContactedAt: null,
              syncedAt: null,
              createdAt: at,
              updatedAt: at,
              ...follow,
            })),
          );
      return ids;
    },

    async targets(campaignId: number) {
      const rows: Record<string, unknown>[] = await ds.query(
        `SELECT t.id, t.customer_id, t.group_id, t.staff_id, t.task_id, t.status, t.is_control, t.variant, t.reason,
                t.sent_at, t.converted_at, t.conversion_order_id, t.revenue_cents
           FROM targets t WHERE t.campaign_id = ? ORDER BY t.id`,
        [campaignId],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        customerId: r.customer_id === null ? null : Number(r.customer_id),
        groupId: r.group_id === null ? null : Number(r.group_id),
        staffId: r.staff_id === null ? null : Number(r.staff_id),
        taskId: r.task_id === null ? null : Number(r.task_id),
        status: String(r.status),
        isControl: Boolean(Number(r.is_control)),
        variant: (r.variant as string) ?? null,
        reason: (r.reason as string) ?? null,
        sentAt: r.sent_at,
        convertedAt: r.converted_at,
        conversionOrderId: r.conversion_order_id === null ? null : Number(r.conversion_order_id),
        revenueCents: Number(r.revenue_cents),
      }));
    },

    async tasks(campaignId: number) {
      const rows: Record<string, unknown>[] = await ds.query(
        "SELECT id, staff_id, status, targets_total, targets_pending, wecom_msgid FROM tasks WHERE campaign_id = ? ORDER BY staff_id",
        [campaignId],
      );
      return rows.map((r) => ({
        id: Number(r.id),
        staffId: Number(r.staff_id),
        status: String(r.status),
        total: Number(r.targets_total),
        pending: Number(r.targets_pending),
        msgid: (r.wecom_msgid as string) ?? null,
      }));
    },
  };
  return kit;
}

export type CampaignKit = Awaited<ReturnType<typeof campaignKit>>;

export async function tagCustomers(ds: DataSource, tagId: number, customerIds: number[], at = new Date()) {
  for (let i = 0; i < customerIds.length; i += 500)
    await ds.getRepository(CustomerTag).insert(
      customerIds.slice(i, i + 500).map((customerId) => ({
        customerId,
        tagId,
        source: "manual" as const,
        assignedBy: null,
        createdAt: at,
      })),
    );
}

/**
 * A Koa app composed the way server/src/app.ts composes its routers (request log, error
 * middleware, admin session, body parser, /api/v1), with only auth and campaign routes: the
 * lead wires the campaign routes into app.ts.
 */
export function campaignApi(ds: DataSource, services: ReturnType<typeof campaignServices>, clock: Clock) {
  const codec = new SessionCodec("x".repeat(48));
  const auth = new AuthService(ds, clock);
  const api = new Router<AppState>({ prefix: "/api/v1" });
  for (const routes of [
    authRoutes(auth, codec, clock),
    campaignsRoutes(services.campaigns, services.launch, services.tracking, new CampaignMeasurementService(ds)),
  ])
    api.use(routes.routes(), routes.allowedMethods());
  const koa = new Koa<AppState>();
  koa
    .use(requestLog(log))
    .use(errorMiddleware())
    .use(loadAdminSession(codec, auth, clock))
    .use(bodyParser({ jsonLimit: "1mb", enableTypes: ["json"] }))
    .use(api.routes())
    .use(api.allowedMethods());
  return koa;
}

/**
 * On a WeCom test server: syncs the corp, then drafts a mass-send campaign of one text material to
 * every customer. The kit's WeCom is the server's client, so launches really call the simulator.
 */
export async function syncedMassSendDraft(s: WecomTestServer, text: string) {
  expect((await s.services().sync.run("test")).status).toBe("done");
  const k = await campaignKit(s.ds, { wecom: { client: s.wecomClient, notifications: s.services().notifications } });
  const customers: { id: unknown }[] = await s.ds.query("SELECT id FROM customers");
  const draft = await k.draft({
    audience: { rule: await k.audience(customers.map((c) => num(c.id))) },
    channel: "mass_send",
    materials: [{ variant: "A", materialId: await k.material({ type: "text", text }), share: 100 }],
  });
  return { k, draft };
}
