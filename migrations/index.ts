import { InitialSchema1732406400000 } from "./1732406400000-initial-schema.ts";
import { WecomSyncAndMessages1732492800000 } from "./1732492800000-wecom-sync-and-messages.ts";
import { RfmAndImports1732579200000 } from "./1732579200000-rfm-and-imports.ts";
import { CampaignLaunch1732665600000 } from "./1732665600000-campaign-launch.ts";
import { Automations1732752000000 } from "./1732752000000-automations.ts";
import { AudienceLists1732838400000 } from "./1732838400000-audience-lists.ts";
import { GroupBot1732926600000 } from "./1732926600000-group-bot.ts";
import { GroupSops1732933600000 } from "./1732933600000-group-sops.ts";
import { GroupHealth1732940000000 } from "./1732940000000-group-health.ts";
import { CustomerListIndexes1732950000000 } from "./1732950000000-customer-list-indexes.ts";
import { RateLimits1732960000000 } from "./1732960000000-rate-limits.ts";
import { ImportHeartbeat1732970000000 } from "./1732970000000-import-heartbeat.ts";
import { MassSendContentHash1732980000000 } from "./1732980000000-mass-send-content-hash.ts";

/** Every migration, oldest first. Never edit one that has been merged: add a new one. */
export const migrations = [
  InitialSchema1732406400000,
  WecomSyncAndMessages1732492800000,
  RfmAndImports1732579200000,
  CampaignLaunch1732665600000,
  Automations1732752000000,
  AudienceLists1732838400000,
  GroupBot1732926600000,
  GroupSops1732933600000,
  GroupHealth1732940000000,
  CustomerListIndexes1732950000000,
  RateLimits1732960000000,
  ImportHeartbeat1732970000000,
  MassSendContentHash1732980000000,
];
