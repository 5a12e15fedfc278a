import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import Koa from "koa";
import Router from "@koa/router";
import { bodyParser } from "@koa/bodyparser";
import type { Logger } from "pino";
import type { DataSource } from "typeorm";
import type { Config } from "./config/config.ts";
import type { AppState } from "./http/app-context.ts";
import { errorMiddleware } from "./http/error-middleware.ts";
import { DEFAULT_RATE_LIMITS, RateLimiter, type RateLimits } from "./http/rate-limiter.ts";
import { requestLog } from "./http/request-log.ts";
import { securityHeaders } from "./http/security-headers.ts";
import { csrfProtection } from "./http/csrf.ts";
import { SessionCodec } from "./http/session.ts";
import { singlePageApp } from "./http/static-apps.ts";
import { JobRunner } from "./jobs/job-runner.ts";
import { systemClock, type Clock } from "./platform/clock.ts";
import { createLogger } from "./platform/logger.ts";
import type { CallbackCrypto } from "./wecom/callback-crypto.ts";
import type { WecomClient } from "./wecom/wecom-client.ts";
import { AuthService } from "./modules/auth/auth.service.ts";
import { loadAdminSession } from "./modules/auth/auth.middleware.ts";
import { authRoutes } from "./modules/auth/auth.routes.ts";
import { DashboardService } from "./modules/dashboard/dashboard.service.ts";
import { dashboardRoutes } from "./modules/dashboard/dashboard.routes.ts";
import { DashboardOverviewService } from "./modules/dashboard/dashboard-overview.ts";
import { healthRoutes } from "./modules/health/health.routes.ts";
import { NotificationService } from "./modules/notifications/notification.service.ts";
import { SettingsService } from "./modules/settings/settings.service.ts";
import { SecretBox } from "./modules/settings/secret-box.ts";
import { settingsRoutes } from "./modules/settings/settings.routes.ts";
import { WecomSettingsService } from "./modules/settings/wecom-settings.service.ts";
import { AuditService } from "./modules/audit/audit.service.ts";
import { auditRoutes } from "./modules/audit/audit.routes.ts";
import { requireStaff } from "./modules/sidebar/sidebar.middleware.ts";
import { SidebarService } from "./modules/sidebar/sidebar.service.ts";
import { sidebarRoutes } from "./modules/sidebar/sidebar.routes.ts";
import { WecomIdentityService } from "./modules/sidebar/wecom-identity.service.ts";
import { wecomIdentityRoutes } from "./modules/sidebar/wecom-identity.routes.ts";
import { TagMirrorService } from "./modules/tag-mirror/tag-mirror.service.ts";
import { TagMirrorStatusService } from "./modules/tag-mirror/tag-mirror-status.ts";
import { tagMirrorRoutes } from "./modules/tag-mirror/tag-mirror.routes.ts";
import { callbackRoutes } from "./modules/wecom-callbacks/callback.routes.ts";
import { EventInbox } from "./modules/wecom-callbacks/event-inbox.ts";
import { WecomEventHandlers } from "./modules/wecom-callbacks/event-handlers.ts";
import { WelcomeSender } from "./modules/wecom-callbacks/welcome-sender.ts";
import { WecomSyncService } from "./modules/wecom-sync/wecom-sync.service.ts";
import { SYNC_JOB, wecomSyncRoutes } from "./modules/wecom-sync/wecom-sync.routes.ts";
import { CustomersService } from "./modules/customers/customers.service.ts";
import { CustomersExport } from "./modules/customers/customers-export.ts";
import { customersRoutes } from "./modules/customers/customers.routes.ts";
import { TagsService } from "./modules/tags/tags.service.ts";
import { tagsRoutes } from "./modules/tags/tags.routes.ts";
import { DirectoryService } from "./modules/stores/directory.service.ts";
import { directoryRoutes } from "./modules/stores/directory.routes.ts";
import { SegmentsService } from "./modules/segments/segments.service.ts";
import { segmentsRoutes } from "./modules/segments/segments.routes.ts";
import { AudienceListsService } from "./modules/audience-lists/audience-lists.service.ts";
import { audienceListsRoutes } from "./modules/audience-lists/audience-lists.routes.ts";
import { MaterialsService } from "./modules/materials/materials.service.ts";
import { materialsRoutes } from "./modules/materials/materials.routes.ts";
import { UploadStore } from "./modules/materials/upload-store.ts";
import { ApiKeyService } from "./modules/api-keys/api-key.service.ts";
import { apiKeyRoutes } from "./modules/api-keys/api-keys.routes.ts";
import { ImportService } from "./modules/imports/import.service.ts";
import { importRoutes } from "./modules/imports/imports.routes.ts";
import { OrdersService } from "./modules/orders/orders.service.ts";
import { orderRoutes } from "./modules/orders/orders.routes.ts";
import { CampaignsService } from "./modules/campaigns/campaigns.service.ts";
import { CampaignLaunch } from "./modules/campaigns/campaign-launch.ts";
import { CampaignTracking } from "./modules/campaigns/campaign-tracking.ts";
import { campaignsRoutes } from "./modules/campaigns/campaigns.routes.ts";
import { MassSendReconciler } from "./modules/campaigns/mass-send-reconcile.ts";
import { campaignJobs } from "./modules/campaigns/campaign-jobs.ts";
import { CampaignMeasurementService } from "./modules/campaigns/campaign-measurement.ts";
import { SidebarWorkService } from "./modules/sidebar/sidebar-work.service.ts";
import { RfmService } from "./modules/rfm/rfm.service.ts";
import { RecomputeRequests, rfmJobs } from "./modules/rfm/rfm-jobs.ts";
import { rfmRoutes } from "./modules/rfm/rfm.routes.ts";
import { AutomationsService } from "./modules/automations/automations.service.ts";
import { AutomationRunner } from "./modules/automations/automation-runner.ts";
import { automationsRoutes } from "./modules/automations/automations.routes.ts";
import { automationJobs } from "./modules/automations/automation-jobs.ts";
import { sidebarWorkRoutes } from "./modules/sidebar/sidebar-work.routes.ts";
import { DevChatService } from "./modules/sidebar/dev-chat.service.ts";
import { GroupsService } from "./modules/groups/groups.service.ts";
import { GroupHealthService } from "./modules/groups/group-health.ts";
import { WecomGroupStats } from "./modules/groups/wecom-group-stats.ts";
import { groupsRoutes } from "./modules/groups/groups.routes.ts";
import { groupJobs } from "./modules/groups/group-jobs.ts";
import type { GroupPoster } from "./modules/group-sops/group-poster.ts";
import { GroupSopsService } from "./modules/group-sops/group-sops.service.ts";
import { GroupSopRunner } from "./modules/group-sops/group-sop-runner.ts";
import { groupSopsRoutes } from "./modules/group-sops/group-sops.routes.ts";
import { groupSopJobs } from "./modules/group-sops/group-sop-jobs.ts";
import { BotRunner, configuredPuppet, type PuppetFactory, type ReconnectPolicy } from "./modules/bot/bot-runner.ts";
import { BotPipeline, DEFAULT_PIPELINE, type PipelineOptions } from "./modules/bot/bot-pipeline.ts";
import { BotWriter } from "./modules/bot/bot-writer.ts";
import { BotStatusStore } from "./modules/bot/bot-status.ts";
import { BotService } from "./modules/bot/bot.service.ts";
import { botRoutes } from "./modules/bot/bot.routes.ts";
import { noGroupPoster, type GroupPoster as BotGroupPoster } from "./modules/bot/group-poster.ts";

export interface WecomDeps {
  client: WecomClient;
  /** null when the callback token and AES key are not configured */
  callbackCrypto: CallbackCrypto | null;
  /** where OAuth sends the browser (WeCom's authorize page, or the simulator's) */
  oauthBase?: string;
}

export interface AppDeps {
  ds: DataSource;
  clock?: Clock;
  logger?: Logger;
  wecom?: WecomDeps;
  /** JS-SDK nonce source (tests fix it to check the official signature vector) */
  nonce?: () => string;
  /** sign-in and API-key limits (tests tighten them) */
  rateLimits?: Partial<RateLimits>;
  /** folders of the built front ends; default: the workspaces' dist folders */
  webAdminDist?: string;
  webSidebarDist?: string;
  /** the group bot's puppet (tests: PuppetMock); default: WECHATY_PUPPET, and no bot when unset */
  bot?: { puppetFactory?: PuppetFactory; pipeline?: Partial<PipelineOptions>; reconnect?: ReconnectPolicy };
  /** the group bot, for SOPs that may post by themselves; without it owners post from the sidebar */
  groupPoster?: GroupPoster;
}

export interface WecomServices {
  client: WecomClient;
  sync: WecomSyncService;
  inbox: EventInbox;
  notifications: NotificationService;
  tagMirror: TagMirrorService;
  identity: WecomIdentityService;
}

export interface BotServices {
  /** posts into a mapped group through the bot (ok:false when no bot runs) */
  poster: BotGroupPoster;
  /** null when no puppet is configured; started and stopped by server.ts */
  runner: BotRunner | null;
  admin: BotService;
}

export interface SiyuApp {
  koa: Koa<AppState>;
  jobs: JobRunner;
  services: {
    auth: AuthService;
    dashboard: DashboardService;
    sidebar: SidebarService;
    settings: SettingsService;
    wecomSettings: WecomSettingsService;
    audit: AuditService;
    customers: CustomersService;
    tags: TagsService;
    segments: SegmentsService;
    materials: MaterialsService;
    imports: ImportService;
    orders: OrdersService;
    apiKeys: ApiKeyService;
    campaigns: CampaignsService;
    campaignLaunch: CampaignLaunch;
    campaignTracking: CampaignTracking;
    rfm: RfmService;
    groups: GroupsService;
    groupHealth: GroupHealthService;
    groupStats: WecomGroupStats | null;
    wecom?: WecomServices;
    bot: BotServices;
  };
  logger: Logger;
}

export const WEB_ADMIN_DIST = fileURLToPath(new URL("../../web-admin/dist", import.meta.url));
export const WEB_SIDEBAR_DIST = fileURLToPath(new URL("../../web-sidebar/dist", import.meta.url));
const BUSINESS_TZ = "Asia/Shanghai";

/** Wires the whole server by hand: every side effect comes in through `deps`. */
export function createApp(config: Config, deps: AppDeps): SiyuApp {
  const clock = deps.clock ?? systemClock;
  const logger = deps.logger ?? createLogger(config.logLevel);
  const { ds } = deps;
  // Without a configured secret (tests) sessions simply do not outlive the process.
  const codec = new SessionCodec(config.sessionSecret ?? randomBytes(32).toString("hex"));
  const jobs = new JobRunner(ds, clock, logger);

  const audit = new AuditService(ds, clock);
  const limits = { ...DEFAULT_RATE_LIMITS, ...deps.rateLimits };
  const limiter = new RateLimiter(ds, clock);
  const auth = new AuthService(ds, clock, audit, { limiter, limit: limits.loginFailures });
  const dashboard = new DashboardService(ds, clock);
  const sidebar = new SidebarService(ds);
  const settings = new SettingsService(ds, clock);
  const staffOnly = requireStaff(codec, sidebar, clock);
  const customers = new CustomersService(ds);
  const tags = new TagsService(ds, clock);
  const segments = new SegmentsService(ds, customers, clock);
  const materials = new MaterialsService(ds, clock);
  const materialRoutes = materialsRoutes(materials, new UploadStore(config.dataDir));
  // new orders make the RFM figures stale: ask for a (debounced) recompute
  const hooks = { onOrdersImported: () => {} };
  const imports = new ImportService(ds, clock, { onOrdersImported: () => hooks.onOrdersImported() });
  const orders = new OrdersService(ds, clock, { onOrdersImported: () => hooks.onOrdersImported() });
  const apiKeys = new ApiKeyService(ds, clock, { limiter, limit: limits.apiKey });
  // an import whose process died mid-file (crash, lost database) is marked failed, not left running
  jobs.register({
    name: "imports-interrupted",
    schedule: "*/5 * * * *",
    leaseMs: 5 * 60_000,
    run: () => imports.failInterrupted().then(() => undefined),
  });
  jobs.register({
    name: "rate-limit-prune",
    schedule: "17 * * * *",
    leaseMs: 5 * 60_000,
    run: () => limiter.prune().then(() => undefined),
  });

  const apiRoutes = [
    authRoutes(auth, codec, clock),
    dashboardRoutes(dashboard, new DashboardOverviewService(ds, clock)),
    sidebarRoutes(
      config,
      sidebar,
      codec,
      clock,
      staffOnly,
      deps.wecom ? () => deps.wecom!.client.identity() : undefined,
      // the dev bridge records chat toolbar sends in the WeCom simulator (simulator mode only)
      config.wecom.mode === "simulator" && deps.wecom ? new DevChatService(ds, deps.wecom.client) : undefined,
    ),
    customersRoutes(customers, new CustomersExport(ds, customers)),
    tagsRoutes(tags, customers),
    tagMirrorRoutes(new TagMirrorStatusService(ds, settings)),
    directoryRoutes(new DirectoryService(ds)),
    segmentsRoutes(segments),
    audienceListsRoutes(new AudienceListsService(ds, customers, clock)),
    materialRoutes.api,
    importRoutes(imports, (p) => void jobs.background(p).catch((err) => logger.error({ err }, "CSV import failed"))),
    apiKeyRoutes(apiKeys),
    auditRoutes(audit),
    orderRoutes(orders, apiKeys),
  ];
  let wecom: WecomServices | undefined;
  let callbacks: Router<AppState> | undefined;
  // membership callbacks refresh the group's tags; the RFM engine that writes them comes later
  const groupHooks = { changed: async (_chatId: string) => {} };
  if (deps.wecom) {
    const { client } = deps.wecom;
    const sync = new WecomSyncService(ds, client, clock, logger);
    const handlers = new WecomEventHandlers(
      ds,
      client,
      clock,
      logger,
      new WelcomeSender(client, settings, logger),
      (chatId) => groupHooks.changed(chatId),
    );
    const inbox = new EventInbox(ds, clock, logger, handlers.handle);
    const identity = new WecomIdentityService(ds, client, clock, deps.nonce);
    wecom = {
      client,
      sync,
      inbox,
      identity,
      notifications: new NotificationService(ds, client, clock, logger),
      tagMirror: new TagMirrorService(ds, client, settings, clock, logger),
    };
    jobs.register({
      name: SYNC_JOB,
      schedule: "0 3 * * *",
      timezone: BUSINESS_TZ,
      leaseMs: 10 * 60_000,
      run: ({ signal }) => sync.run("job", signal).then(() => undefined),
    });
    jobs.register({
      name: "wecom-events",
      schedule: "* * * * *",
      leaseMs: 5 * 60_000,
      run: () => inbox.processBacklog().then(() => undefined),
    });
    jobs.register({
      name: "wecom-tag-mirror",
      schedule: "*/30 * * * *",
      leaseMs: 10 * 60_000,
      run: ({ signal }) => wecom!.tagMirror.run(signal).then(() => undefined),
    });
    apiRoutes.push(
      wecomSyncRoutes(sync, jobs),
      wecomIdentityRoutes(identity, codec, clock, config.publicUrl, staffOnly, deps.wecom.oauthBase),
    );
    const crypto = deps.wecom.callbackCrypto;
    callbacks = callbackRoutes(
      () => crypto,
      inbox,
      (id) => void jobs.background(inbox.process(id)).catch((err) => logger.error({ err }, "event processing failed")),
    );
  }

  const publicUrl = config.publicUrl ?? `http://localhost:${config.port}`;
  // WeCom secrets stored by the settings page are encrypted under SECRETS_KEY (tests without one: per process)
  const secretBox = new SecretBox(config.secretsKey ?? randomBytes(32).toString("hex"));
  const wecomSettings = new WecomSettingsService(ds, settings, secretBox, config, audit, publicUrl, clock);
  // the WeCom client reads its corp id, secret and agent id at call time: env first, else the settings page
  deps.wecom?.client.setCredentialSource(() => wecomSettings.effective());
  apiRoutes.push(settingsRoutes(wecomSettings));
  const campaignWecom = wecom ? { client: wecom.client, notifications: wecom.notifications } : null;
  const campaigns = new CampaignsService(ds, segments, clock, logger, wecom?.client ?? null);
  const campaignLaunch = new CampaignLaunch(
    ds,
    campaigns,
    segments,
    materials,
    settings,
    clock,
    logger,
    campaignWecom,
    publicUrl,
  );
  const campaignTracking = new CampaignTracking(ds, clock, logger, campaignWecom, publicUrl);
  apiRoutes.push(
    campaignsRoutes(campaigns, campaignLaunch, campaignTracking, new CampaignMeasurementService(ds), audit),
  );
  const reconciler = wecom ? new MassSendReconciler(ds, clock, wecom.client, materials, publicUrl, logger) : null;
  for (const job of campaignJobs(campaignLaunch, campaignTracking, reconciler)) jobs.register(job);
  const rfm = new RfmService(ds, clock, settings, logger);
  const recomputeRequests = new RecomputeRequests(ds, clock);
  hooks.onOrdersImported = () =>
    void recomputeRequests
      .requestSoon("orders imported")
      .catch((err) => logger.error({ err }, "recompute request failed"));
  for (const job of rfmJobs(rfm, recomputeRequests, jobs, clock)) jobs.register(job);
  apiRoutes.push(rfmRoutes(rfm, jobs));
  const automationRunner = new AutomationRunner(ds, segments, campaigns, campaignLaunch, rfm, clock, logger);
  apiRoutes.push(automationsRoutes(new AutomationsService(ds, campaigns, clock)));
  for (const job of automationJobs(automationRunner)) jobs.register(job);
  const sidebarWork = new SidebarWorkService(ds, clock, materials, campaignTracking);
  apiRoutes.push(sidebarWorkRoutes(sidebarWork, materials, tags, staffOnly));
  const groups = new GroupsService(ds, clock);
  const groupHealth = new GroupHealthService(
    ds,
    clock,
    logger,
    wecom ? { notifications: wecom.notifications, publicUrl } : null,
  );
  const groupStats = wecom ? new WecomGroupStats(ds, wecom.client, clock, logger) : null;
  // the callback has done its work by now; a failed refresh is repaired by the periodic group-tags job
  groupHooks.changed = async (chatId) => {
    const groupId = await groups.idOfChat(chatId);
    if (groupId !== null)
      await rfm.refreshGroupTags({ groupId }).catch((err) => logger.warn({ err, chatId }, "group tag refresh failed"));
  };
  for (const job of groupJobs({ stats: groupStats, health: groupHealth, rfm })) jobs.register(job);
  apiRoutes.push(groupsRoutes(groups, jobs));
  // the group bot (Wechaty): only when a puppet is configured or injected
  const botStatus = new BotStatusStore(ds, clock);
  const puppetFactory =
    deps.bot?.puppetFactory ??
    (config.wechaty.puppet ? configuredPuppet(config.wechaty.puppet, config.wechaty.puppetToken) : undefined);
  let botRunner: BotRunner | null = null;
  if (puppetFactory) {
    const pipeline = new BotPipeline(new BotWriter(ds, clock), logger, { ...DEFAULT_PIPELINE, ...deps.bot?.pipeline });
    const puppetName = config.wechaty.puppet ?? "injected";
    botRunner = new BotRunner(ds, clock, logger, puppetFactory, puppetName, pipeline, botStatus, deps.bot?.reconnect);
  }
  const runningBot = botRunner;
  const botAdmin = new BotService(ds, clock, botStatus, audit, {
    configured: runningBot !== null,
    pipeline: () => (runningBot?.running ? runningBot.stats() : null),
  });
  apiRoutes.push(botRoutes(botAdmin));

  const groupSopRunner = new GroupSopRunner(
    ds,
    materials,
    wecom?.notifications ?? null,
    clock,
    logger,
    publicUrl,
    // SOPs that may post by themselves go through the bot when one runs (else owners post)
    deps.groupPoster ?? botRunner,
  );
  apiRoutes.push(groupSopsRoutes(new GroupSopsService(ds, clock), audit));
  for (const job of groupSopJobs(groupSopRunner)) jobs.register(job);

  const api = new Router<AppState>({ prefix: "/api/v1" });
  // one allowedMethods for all (it knows every nested route): one per module would run on every request
  for (const routes of apiRoutes) api.use(routes.routes());

  // behind a TLS-terminating proxy (TRUST_PROXY) ctx.secure follows X-Forwarded-Proto: Secure cookies
  const koa = new Koa<AppState>({ proxy: config.trustProxy });
  const health = healthRoutes(ds);
  koa.use(requestLog(logger)).use(errorMiddleware()).use(securityHeaders()).use(health.routes());
  // callbacks read their own raw body (size-limited), before any parser touches it
  if (callbacks) koa.use(callbacks.routes()).use(callbacks.allowedMethods());
  koa
    .use(loadAdminSession(codec, auth, clock))
    // cookie sessions must echo their CSRF token on changes (API keys and WeCom callbacks are exempt)
    .use(csrfProtection(codec, clock))
    // routes that read a raw body (file uploads) come before the parser
    .use(materialRoutes.files.routes())
    .use(bodyParser({ jsonLimit: "1mb", formLimit: "1mb", textLimit: "1mb", enableTypes: ["json", "form", "text"] }))
    .use(api.routes())
    .use(api.allowedMethods())
    .use(singlePageApp("/sidebar/", deps.webSidebarDist ?? WEB_SIDEBAR_DIST))
    .use(singlePageApp("/", deps.webAdminDist ?? WEB_ADMIN_DIST));

  return {
    koa,
    jobs,
    services: {
      auth,
      dashboard,
      sidebar,
      settings,
      wecomSettings,
      audit,
      customers,
      tags,
      segments,
      materials,
      imports,
      orders,
      apiKeys,
      campaigns,
      campaignLaunch,
      campaignTracking,
      rfm,
      groups,
      groupHealth,
      groupStats,
      wecom,
      bot: { poster: botRunner ?? noGroupPoster, runner: botRunner, admin: botAdmin },
    },
    logger,
  };
}
