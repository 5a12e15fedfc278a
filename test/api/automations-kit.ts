import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import type { DataSource } from "typeorm";
import { migrations } from "../../migrations/index.ts";
import { Automations1732752000000 } from "../../migrations/1732752000000-automations.ts";
import { entities } from "../../server/src/db/entities.ts";
import { num } from "../../server/src/db/dialect.ts";
import type { AppState } from "../../server/src/http/app-context.ts";
import { errorMiddleware } from "../../server/src/http/error-middleware.ts";
import { requestLog } from "../../server/src/http/request-log.ts";
import { SessionCodec } from "../../server/src/http/session.ts";
import { loadAdminSession } from "../../server/src/modules/auth/auth.middleware.ts";
import { authRoutes } from "../../server/src/modules/auth/auth.routes.ts";
import { AuthService } from "../../server/src/modules/auth/auth.service.ts";
import { automationEntities } from "../../server/src/modules/automations/automation.entity.ts";
import { AutomationRunner } from "../../server/src/modules/automations/automation-runner.ts";
import { automationsRoutes } from "../../server/src/modules/automations/automations.routes.ts";
import { automationInputSchema } from "../../server/src/modules/automations/automations.schemas.ts";
import { AutomationsService } from "../../server/src/modules/automations/automations.service.ts";
import { FREQUENCY_CAP_SETTING, type CampaignWecom } from "../../server/src/modules/campaigns/campaign-launch.ts";
import { RfmService } from "../../server/src/modules/rfm/rfm.service.ts";
import { TagHistory } from "../../server/src/modules/tags/tag.entity.ts";
import type { Clock } from "../../server/src/platform/clock.ts";
import { createLogger } from "../../server/src/platform/logger.ts";
import { campaignKit, campaignServices, type CampaignKit } from "./campaigns-kit.ts";

const log = createLogger("silent");

/**
 * Registers the automations migration and entities when the lead has not yet added them to
 * migrations/index.ts and server/src/db/entities.ts (a no-op once they have). Call it before the
 * test server opens its database.
 */
export function registerAutomationSchema(): void {
  for (const e of automationEntities) if (!(entities as Function[]).includes(e)) (entities as Function[]).push(e);
  if (!(migrations as Function[]).includes(Automations1732752000000))
    (migrations as Function[]).push(Automations1732752000000);
}

/** The automation services over one DataSource, as app.ts wires them. */
export function automationServices(
  ds: DataSource,
  k: Pick<CampaignKit, "segments" | "campaigns" | "launch" | "settings">,
  clock: Clock,
) {
  const rfm = new RfmService(ds, clock, k.settings, log);
  const automations = new AutomationsService(ds, k.campaigns, clock);
  const runner = new AutomationRunner(ds, k.segments, k.campaigns, k.launch, rfm, clock, log);
  return { automations, runner };
}

/** Campaign kit plus automations, with a frequency cap loose enough for repeated runs. */
export async function automationKit(ds: DataSource, opts: { now?: Date; wecom?: CampaignWecom | null } = {}) {
  const k = await campaignKit(ds, opts);
  await k.settings.set(FREQUENCY_CAP_SETTING, { maxTargets: 100, days: 1 });
  const services = automationServices(ds, k, k.clock);
  const kit = {
    ...k,
    ...services,
    /** Creates an automation from API-shaped input (parsed by the route's schema). */
    async automation(input: Record<string, unknown>) {
      return services.automations.create(automationInputSchema.parse(input), k.hq);
    },
    async template(over: Record<string, unknown> = {}) {
      return {
        channel: "private_chat",
        materials: [{ variant: "A", materialId: await k.material(), share: 100 }],
        deadlineHours: 48,
        ...over,
      };
    },
    /** A segment move recorded as a recompute records it (tag_history, kind segment). */
    async move(customerId: number, from: string | null, to: string | null, kind: "segment" | "lifecycle" = "segment") {
      const at = k.clock.now();
      return ds.getRepository(TagHistory).save({
        customerId,
        computationId: null,
        kind,
        fromValue: from,
        toValue: to,
        tagId: null,
        actor: "rfm",
        asOf: at,
        createdAt: at,
      });
    },
    /** The customers of a campaign's targets, sorted, and their owners. */
    async targetsOf(campaignId: number) {
      return (await k.targets(campaignId)).map((t) => ({
        customerId: t.customerId,
        staffId: t.staffId,
        status: t.status,
      }));
    },
    async campaignsOf(automationId: number) {
      const rows: Record<string, unknown>[] = await ds.query(
        "SELECT id, status, name FROM campaigns WHERE automation_id = ? ORDER BY id",
        [automationId],
      );
      return rows.map((r) => ({ id: num(r.id), status: String(r.status), name: String(r.name) }));
    },
    async members(automationId: number) {
      const rows: Record<string, unknown>[] = await ds.query(
        "SELECT customer_id, campaign_id, event FROM automation_members WHERE automation_id = ? ORDER BY customer_id",
        [automationId],
      );
      return rows.map((r) => ({
        customerId: num(r.customer_id),
        campaignId: r.campaign_id === null ? null : num(r.campaign_id),
        event: (r.event as string) ?? null,
      }));
    },
  };
  return kit;
}

export type AutomationKit = Awaited<ReturnType<typeof automationKit>>;

/** The same services on another DataSource: a second server instance on the same database. */
export function secondInstance(ds: DataSource, clock: Clock) {
  const services = campaignServices(ds, { clock, wecom: null });
  return automationServices(ds, services, clock);
}

/** A Koa app with auth and automation routes, composed the way app.ts composes its routers. */
export function automationApi(ds: DataSource, automations: AutomationsService, clock: Clock) {
  const codec = new SessionCodec("y".repeat(48));
  const auth = new AuthService(ds, clock);
  const api = new Router<AppState>({ prefix: "/api/v1" });
  for (const routes of [authRoutes(auth, codec, clock), automationsRoutes(automations)])
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
