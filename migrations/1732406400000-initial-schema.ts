import type { MigrationInterface, QueryRunner } from "typeorm";
import { col, createTable, dropTables, index } from "./helpers.ts";

/**
 * The whole domain of ../shared/spec at once: people and stores, customers and their follow
 * relations and identity keys, groups, orders, tags and their history, RFM computations,
 * segments, materials, campaigns/tasks/targets, group activity, settings, users, API keys,
 * audit log, job leases and the WeCom callback inbox.
 *
 * No database-level foreign keys: integrity is kept by transactions and unique keys, which keeps
 * bulk set-based writes cheap and the schema portable to MySQL-compatible distributed databases.
 */
const TABLES = [
  "stores",
  "staff",
  "staff_stores",
  "customers",
  "customer_identities",
  "follow_relations",
  "customer_notes",
  "customer_groups",
  "group_members",
  "group_activity_daily",
  "orders",
  "tag_groups",
  "tags",
  "customer_tags",
  "rfm_computations",
  "customer_rfm",
  "tag_history",
  "segments",
  "material_folders",
  "materials",
  "campaigns",
  "tasks",
  "targets",
  "target_events",
  "settings",
  "users",
  "user_stores",
  "api_keys",
  "audit_log",
  "job_leases",
  "wecom_events",
];

export class InitialSchema1732406400000 implements MigrationInterface {
  name = "InitialSchema1732406400000";

  async up(q: QueryRunner): Promise<void> {
    await createTable(
      q,
      "stores",
      [
        col.id(),
        col.str("code", 50),
        col.str("name", 100),
        col.str("city", 50, { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_stores_code", ["code"], true)],
    );

    await createTable(
      q,
      "staff",
      [
        col.id(),
        col.str("userid", 64),
        col.str("name", 100),
        col.str("mobile", 20, { nullable: true }),
        col.str("avatar", 512, { nullable: true }),
        col.str("position", 64, { nullable: true }),
        // guide (导购) or group_leader (团长); managers are staff too and have a user account
        col.str("kind", 20, { default: "guide" }),
        col.str("status", 20, { default: "active" }),
        col.bool("customer_contact_enabled", true),
        col.time("synced_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_staff_userid", ["userid"], true)],
    );

    await createTable(
      q,
      "staff_stores",
      [col.int("staff_id", { primary: true }), col.int("store_id", { primary: true }), col.bool("is_manager", false)],
      [index("IDX_staff_stores_store", ["store_id"])],
    );

    await createTable(
      q,
      "customers",
      [
        col.id(),
        col.str("external_userid", 128, { nullable: true }),
        col.str("name", 100, { default: "" }),
        col.str("avatar", 512, { nullable: true }),
        col.int("type", { default: 1 }),
        col.int("gender", { default: 0 }),
        col.str("unionid", 128, { nullable: true }),
        col.str("mobile", 20, { nullable: true }),
        col.str("member_no", 64, { nullable: true }),
        col.str("corp_name", 100, { nullable: true }),
        // where the first record came from: wecom sync, csv import, demo seed
        col.str("source", 20, { default: "wecom" }),
        col.bool("do_not_disturb", false),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_customers_external_userid", ["external_userid"], true),
        index("IDX_customers_mobile", ["mobile"]),
        index("IDX_customers_unionid", ["unionid"]),
        index("IDX_customers_member_no", ["member_no"]),
      ],
    );

    // Every key by which an order or an uploaded list can name a customer.
    await createTable(
      q,
      "customer_identities",
      [col.id(), col.int("customer_id"), col.str("kind", 20), col.str("value", 128), col.createdAt()],
      [
        index("UQ_customer_identities_kind_value", ["kind", "value"], true),
        index("IDX_customer_identities_customer", ["customer_id"]),
      ],
    );

    await createTable(
      q,
      "follow_relations",
      [
        col.id(),
        col.int("customer_id"),
        col.int("staff_id"),
        col.str("remark", 100, { nullable: true }),
        col.str("description", 255, { nullable: true }),
        col.json("remark_mobiles"),
        col.int("add_way", { default: 0 }),
        col.str("state", 64, { nullable: true }),
        col.str("oper_userid", 128, { nullable: true }),
        // WeCom corp tag ids on this relation, as WeCom last reported them
        col.json("wecom_tag_ids"),
        col.time("added_at"),
        // active | deleted_by_staff | deleted_by_customer | gone (vanished from a full sync)
        col.str("status", 20, { default: "active" }),
        col.time("ended_at", { nullable: true }),
        col.time("last_contacted_at", { nullable: true }),
        col.time("synced_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_follow_relations_customer_staff", ["customer_id", "staff_id"], true),
        index("IDX_follow_relations_staff_status", ["staff_id", "status"]),
        index("IDX_follow_relations_state", ["state"]),
        index("IDX_follow_relations_added_at", ["added_at"]),
      ],
    );

    await createTable(
      q,
      "customer_notes",
      [
        col.id(),
        col.int("customer_id"),
        col.int("staff_id", { nullable: true }),
        col.int("user_id", { nullable: true }),
        col.text("body", { nullable: false }),
        col.createdAt(),
      ],
      [index("IDX_customer_notes_customer", ["customer_id", "created_at"])],
    );

    await createTable(
      q,
      "customer_groups",
      [
        col.id(),
        col.str("chat_id", 128),
        col.str("name", 100, { default: "" }),
        col.int("owner_staff_id", { nullable: true }),
        col.str("owner_userid", 64),
        col.text("notice"),
        // 0 normal, 1 owner left, 2 inheriting, 3 inherited (groupchat/list status)
        col.int("wecom_status", { default: 0 }),
        col.str("status", 20, { default: "active" }),
        col.str("member_version", 64, { nullable: true }),
        col.int("member_count", { default: 0 }),
        col.time("wecom_created_at", { nullable: true }),
        col.time("dismissed_at", { nullable: true }),
        col.time("synced_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_customer_groups_chat_id", ["chat_id"], true), index("IDX_customer_groups_owner", ["owner_staff_id"])],
    );

    await createTable(
      q,
      "group_members",
      [
        col.id(),
        col.int("group_id"),
        // WeCom member id: a userid (type 1) or an external_userid (type 2)
        col.str("member_id", 128),
        col.int("member_type"),
        col.int("customer_id", { nullable: true }),
        col.int("staff_id", { nullable: true }),
        col.str("unionid", 128, { nullable: true }),
        col.str("name", 100, { nullable: true }),
        col.str("group_nickname", 100, { nullable: true }),
        col.time("joined_at", { nullable: true }),
        col.int("join_scene", { nullable: true }),
        col.str("invitor_userid", 64, { nullable: true }),
        col.str("state", 64, { nullable: true }),
        col.bool("is_admin", false),
        col.time("left_at", { nullable: true }),
        col.time("last_message_at", { nullable: true }),
        col.int("message_count", { default: 0 }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_group_members_group_member", ["group_id", "member_id"], true),
        index("IDX_group_members_customer", ["customer_id"]),
        index("IDX_group_members_staff", ["staff_id"]),
      ],
    );

    // One row per group, day and source ('bot' or 'wecom'): the two sources are never mixed.
    await createTable(
      q,
      "group_activity_daily",
      [
        col.int("group_id", { primary: true }),
        col.str("day", 10, { primary: true }),
        col.str("source", 10, { primary: true }),
        col.int("messages", { default: 0 }),
        col.int("active_members", { default: 0 }),
        col.int("joins", { default: 0 }),
        col.int("leaves", { default: 0 }),
        col.int("member_total", { nullable: true }),
        col.updatedAt(),
      ],
      [index("IDX_group_activity_daily_day", ["day"])],
    );

    await createTable(
      q,
      "orders",
      [
        col.id(),
        col.str("order_no", 64),
        col.str("customer_ref", 128),
        col.int("customer_id", { nullable: true }),
        col.time("paid_at"),
        col.int("amount_cents"),
        col.int("refund_cents", { default: 0 }),
        col.str("status", 20),
        col.str("store_code", 50, { nullable: true }),
        col.int("store_id", { nullable: true }),
        col.str("source", 20, { default: "api" }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_orders_order_no", ["order_no"], true),
        index("IDX_orders_customer_paid", ["customer_id", "paid_at"]),
        index("IDX_orders_paid_at", ["paid_at"]),
        index("IDX_orders_unmatched_ref", ["customer_id", "customer_ref"]),
      ],
    );

    await createTable(
      q,
      "tag_groups",
      [
        col.id(),
        col.str("code", 64),
        col.str("name", 50),
        col.str("source", 20),
        col.int("sort", { default: 0 }),
        col.str("wecom_group_id", 128, { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_tag_groups_code", ["code"], true)],
    );

    await createTable(
      q,
      "tags",
      [
        col.id(),
        col.int("group_id"),
        col.str("code", 150),
        col.str("name", 50),
        // rfm | lifecycle | group | rule | manual | wecom
        col.str("source", 20),
        col.bool("is_system", false),
        col.bool("mirror_to_wecom", false),
        col.str("wecom_tag_id", 128, { nullable: true }),
        col.int("sort", { default: 0 }),
        col.time("deleted_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_tags_code", ["code"], true),
        index("IDX_tags_group", ["group_id"]),
        index("IDX_tags_wecom_tag_id", ["wecom_tag_id"]),
      ],
    );

    await createTable(
      q,
      "customer_tags",
      [
        col.int("customer_id", { primary: true }),
        col.int("tag_id", { primary: true }),
        col.str("source", 20),
        col.str("assigned_by", 64, { nullable: true }),
        col.createdAt(),
      ],
      [index("IDX_customer_tags_tag", ["tag_id", "customer_id"])],
    );

    await createTable(
      q,
      "rfm_computations",
      [
        col.id(),
        col.time("as_of"),
        col.json("settings", { nullable: false }),
        // running | done | failed
        col.str("status", 20),
        col.str("triggered_by", 20),
        col.int("customers_scored", { default: 0 }),
        col.int("customers_total", { default: 0 }),
        col.text("error"),
        col.time("started_at"),
        col.time("finished_at", { nullable: true }),
      ],
      [index("IDX_rfm_computations_status", ["status", "id"])],
    );

    // The latest figures per customer (history lives in tag_history).
    await createTable(
      q,
      "customer_rfm",
      [
        col.int("customer_id", { primary: true }),
        col.int("computation_id"),
        col.int("recency_days", { nullable: true }),
        col.int("frequency", { nullable: true }),
        col.bigint("monetary_cents", { nullable: true }),
        col.int("r_score", { nullable: true }),
        col.int("f_score", { nullable: true }),
        col.int("m_score", { nullable: true }),
        col.str("segment", 32, { nullable: true }),
        col.str("lifecycle", 16),
        col.time("first_paid_at", { nullable: true }),
        col.time("last_paid_at", { nullable: true }),
        col.updatedAt(),
      ],
      [
        index("IDX_customer_rfm_segment", ["segment"]),
        index("IDX_customer_rfm_lifecycle", ["lifecycle"]),
        index("IDX_customer_rfm_scores", ["r_score", "f_score", "m_score"]),
      ],
    );

    await createTable(
      q,
      "tag_history",
      [
        col.id(),
        col.int("customer_id"),
        col.int("computation_id", { nullable: true }),
        // segment | lifecycle | tag_added | tag_removed
        col.str("kind", 20),
        col.str("from_value", 150, { nullable: true }),
        col.str("to_value", 150, { nullable: true }),
        col.int("tag_id", { nullable: true }),
        col.str("actor", 64, { nullable: true }),
        col.time("as_of"),
        col.createdAt(),
      ],
      [
        index("IDX_tag_history_customer", ["customer_id", "as_of"]),
        index("IDX_tag_history_computation", ["computation_id", "kind"]),
      ],
    );

    await createTable(
      q,
      "segments",
      [
        col.id(),
        col.str("name", 100),
        col.text("description"),
        col.json("rule", { nullable: false }),
        col.int("last_count", { nullable: true }),
        col.time("last_counted_at", { nullable: true }),
        col.int("created_by", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_segments_name", ["name"], true)],
    );

    await createTable(
      q,
      "material_folders",
      [
        col.id(),
        col.int("parent_id", { nullable: true }),
        col.str("name", 100),
        col.int("sort", { default: 0 }),
        col.createdAt(),
      ],
      [index("IDX_material_folders_parent", ["parent_id"])],
    );

    await createTable(
      q,
      "materials",
      [
        col.id(),
        col.int("folder_id", { nullable: true }),
        // text | image | link | miniprogram | file
        col.str("type", 20),
        col.str("title", 128),
        col.json("content", { nullable: false }),
        col.str("keywords", 255, { nullable: true }),
        col.int("usage_count", { default: 0 }),
        col.int("created_by", { nullable: true }),
        col.time("archived_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("IDX_materials_folder", ["folder_id"]), index("IDX_materials_type", ["type"])],
    );

    await createTable(
      q,
      "campaigns",
      [
        col.id(),
        col.str("name", 100),
        col.text("goal"),
        // draft | running | paused | cancelled | finished
        col.str("status", 20, { default: "draft" }),
        // private_chat | mass_send | group_post | moments
        col.str("channel", 20),
        col.int("segment_id", { nullable: true }),
        col.json("audience_rule"),
        col.json("materials", { nullable: false }),
        col.json("scope"),
        col.time("start_at"),
        col.time("deadline_at"),
        col.json("reminders"),
        col.int("conversion_window_days", { default: 7 }),
        // basis points: 1000 = 10 %
        col.int("holdout_bp", { default: 0 }),
        col.str("assignment_rule", 20, { default: "first_added" }),
        col.int("seed", { default: 0 }),
        col.int("automation_id", { nullable: true }),
        col.json("launch_report"),
        col.int("created_by", { nullable: true }),
        col.time("launched_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("IDX_campaigns_status", ["status", "deadline_at"])],
    );

    await createTable(
      q,
      "tasks",
      [
        col.id(),
        col.int("campaign_id"),
        col.int("staff_id"),
        // open | done | overdue
        col.str("status", 20, { default: "open" }),
        col.time("due_at"),
        col.int("targets_total", { default: 0 }),
        col.int("targets_pending", { default: 0 }),
        col.str("wecom_msgid", 128, { nullable: true }),
        col.time("notified_at", { nullable: true }),
        col.json("reminders_sent"),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_tasks_campaign_staff", ["campaign_id", "staff_id"], true),
        index("IDX_tasks_staff_status", ["staff_id", "status"]),
      ],
    );

    await createTable(
      q,
      "targets",
      [
        col.id(),
        col.int("campaign_id"),
        col.int("task_id", { nullable: true }),
        col.int("staff_id", { nullable: true }),
        col.int("customer_id", { nullable: true }),
        col.int("group_id", { nullable: true }),
        // pending | sent | skipped | failed | converted | control
        col.str("status", 20),
        col.bool("is_control", false),
        col.str("variant", 10, { nullable: true }),
        col.str("reason", 255, { nullable: true }),
        col.time("sent_at", { nullable: true }),
        col.time("converted_at", { nullable: true }),
        col.int("conversion_order_id", { nullable: true }),
        col.int("revenue_cents", { default: 0 }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [
        index("UQ_targets_campaign_customer", ["campaign_id", "customer_id"], true),
        index("UQ_targets_campaign_group", ["campaign_id", "group_id"], true),
        index("IDX_targets_task_status", ["task_id", "status"]),
        index("IDX_targets_customer_created", ["customer_id", "created_at"]),
      ],
    );

    await createTable(
      q,
      "target_events",
      [
        col.id(),
        col.int("target_id"),
        col.str("from_status", 20, { nullable: true }),
        col.str("to_status", 20),
        // staff | user | wecom | system
        col.str("actor_type", 20),
        col.str("actor_id", 64, { nullable: true }),
        col.str("reason", 255, { nullable: true }),
        col.createdAt(),
      ],
      [index("IDX_target_events_target", ["target_id", "created_at"])],
    );

    await createTable(q, "settings", [
      col.str("name", 100, { primary: true }),
      col.json("value", { nullable: false }),
      col.str("updated_by", 64, { nullable: true }),
      col.updatedAt(),
    ]);

    await createTable(
      q,
      "users",
      [
        col.id(),
        col.str("username", 64),
        col.str("password_hash", 255),
        col.str("display_name", 100),
        // hq_admin | hq_operator | store_manager | staff
        col.str("role", 20),
        col.int("staff_id", { nullable: true }),
        col.str("status", 20, { default: "active" }),
        col.time("last_login_at", { nullable: true }),
        col.createdAt(),
        col.updatedAt(),
      ],
      [index("UQ_users_username", ["username"], true)],
    );

    await createTable(q, "user_stores", [
      col.int("user_id", { primary: true }),
      col.int("store_id", { primary: true }),
    ]);

    await createTable(
      q,
      "api_keys",
      [
        col.id(),
        col.str("name", 100),
        // the first characters, shown in the admin so a key can be recognised
        col.str("prefix", 16),
        col.str("key_hash", 128),
        col.str("scopes", 255, { default: "orders:write" }),
        col.int("created_by", { nullable: true }),
        col.time("last_used_at", { nullable: true }),
        col.time("revoked_at", { nullable: true }),
        col.createdAt(),
      ],
      [index("UQ_api_keys_key_hash", ["key_hash"], true)],
    );

    await createTable(
      q,
      "audit_log",
      [
        col.id(),
        col.str("actor_type", 20),
        col.str("actor_id", 64, { nullable: true }),
        col.str("action", 64),
        col.str("entity", 64, { nullable: true }),
        col.str("entity_id", 64, { nullable: true }),
        col.json("details"),
        col.str("ip", 64, { nullable: true }),
        col.createdAt(),
      ],
      [index("IDX_audit_log_created", ["created_at"]), index("IDX_audit_log_entity", ["entity", "entity_id"])],
    );

    // One row per scheduled job: whoever holds an unexpired lease runs it.
    await createTable(q, "job_leases", [
      col.str("name", 100, { primary: true }),
      col.str("owner", 100, { nullable: true }),
      col.time("lease_until", { nullable: true }),
      col.str("last_slot", 40, { nullable: true }),
      col.time("last_started_at", { nullable: true }),
      col.time("last_finished_at", { nullable: true }),
      col.str("last_status", 20, { nullable: true }),
      col.text("last_error"),
      col.int("run_count", { default: 0 }),
    ]);

    // WeCom callbacks are stored before they are acknowledged, then processed once by dedupe key.
    await createTable(
      q,
      "wecom_events",
      [
        col.id(),
        col.str("dedupe_key", 191),
        col.str("event", 50),
        col.str("change_type", 50, { nullable: true }),
        col.text("payload", { nullable: false }),
        // received | done | failed
        col.str("status", 20, { default: "received" }),
        col.int("attempts", { default: 0 }),
        col.text("error"),
        col.time("received_at"),
        col.time("processed_at", { nullable: true }),
      ],
      [index("UQ_wecom_events_dedupe", ["dedupe_key"], true), index("IDX_wecom_events_status", ["status", "id"])],
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await dropTables(q, TABLES);
  }
}
