import { Store } from "../modules/stores/store.entity.ts";
import { Staff, StaffStore } from "../modules/staff/staff.entity.ts";
import { Customer, CustomerIdentity, CustomerNote, FollowRelation } from "../modules/customers/customer.entity.ts";
import { CustomerGroup, GroupActivityDaily, GroupMember } from "../modules/groups/group.entity.ts";
import { Order } from "../modules/orders/order.entity.ts";
import { CustomerTag, Tag, TagGroup, TagHistory } from "../modules/tags/tag.entity.ts";
import { CustomerRfm, RfmComputation } from "../modules/rfm/rfm.entity.ts";
import { Segment } from "../modules/segments/segment.entity.ts";
import { Material, MaterialFolder } from "../modules/materials/material.entity.ts";
import { Campaign, Target, TargetEvent, Task } from "../modules/campaigns/campaign.entity.ts";
import { Setting } from "../modules/settings/setting.entity.ts";
import { ApiKey, User, UserStore } from "../modules/auth/user.entity.ts";
import { AuditLog } from "../modules/audit/audit-log.entity.ts";
import { JobLease } from "../jobs/job-lease.entity.ts";
import { RateLimitHit } from "../http/rate-limit.entity.ts";
import { WecomEvent } from "../wecom/wecom-event.entity.ts";
import { SyncRun } from "../modules/wecom-sync/sync-run.entity.ts";
import { AppMessage } from "../modules/notifications/app-message.entity.ts";
import { RfmScratch } from "../modules/rfm/rfm-scratch.entity.ts";
import { ImportError, ImportJob } from "../modules/imports/import-job.entity.ts";
import { CampaignAudience, CampaignMassSend } from "../modules/campaigns/campaign-launch.entity.ts";
import { Automation, AutomationMember, AutomationRun } from "../modules/automations/automation.entity.ts";
import {
  AudienceList,
  AudienceListMember,
  AudienceListUnmatched,
} from "../modules/audience-lists/audience-list.entity.ts";
import { GroupAlert, GroupHealth, GroupOwnerStatDaily } from "../modules/groups/group-health.entity.ts";
import {
  BotMemberDay,
  BotRoom,
  BotRoomDay,
  BotRoomMember,
  BotSeenEvent,
  BotStatus,
} from "../modules/bot/bot.entity.ts";
import { GroupSop, GroupSopRun } from "../modules/group-sops/group-sop.entity.ts";

/** Every entity; the migrations in /migrations create exactly these tables (a test checks it). */
export const entities = [
  Store,
  Staff,
  StaffStore,
  Customer,
  CustomerIdentity,
  FollowRelation,
  CustomerNote,
  CustomerGroup,
  GroupMember,
  GroupActivityDaily,
  Order,
  TagGroup,
  Tag,
  CustomerTag,
  TagHistory,
  RfmComputation,
  CustomerRfm,
  Segment,
  MaterialFolder,
  Material,
  Campaign,
  Task,
  Target,
  TargetEvent,
  Setting,
  User,
  UserStore,
  ApiKey,
  AuditLog,
  JobLease,
  RateLimitHit,
  WecomEvent,
  SyncRun,
  AppMessage,
  RfmScratch,
  ImportJob,
  ImportError,
  CampaignAudience,
  CampaignMassSend,
  Automation,
  AutomationRun,
  AutomationMember,
  AudienceList,
  AudienceListMember,
  AudienceListUnmatched,
  GroupOwnerStatDaily,
  GroupHealth,
  GroupAlert,
  BotRoom,
  BotSeenEvent,
  BotRoomDay,
  BotMemberDay,
  BotRoomMember,
  BotStatus,
  GroupSop,
  GroupSopRun,
];
