import type { MessageSchema } from "./zh-CN";

const en: MessageSchema = {
  app: { name: "Siyu", title: "Siyu · Admin" },
  common: { retry: "Retry", loading: "Loading…", empty: "No data", language: "Language" },
  errors: {
    network: "Network error, please check your connection and retry",
    unknown: "Something went wrong, please try again later",
    session: "Could not check your session: {message}",
  },
  menu: { dashboard: "Dashboard", wecomSync: "WeCom sync" },
  roles: { hq_admin: "HQ admin", hq_operator: "HQ operator", store_manager: "Store manager", staff: "Staff" },
  header: { logout: "Sign out" },
  login: {
    title: "Sign in to Siyu",
    subtitle: "WeCom private-domain operations",
    username: "Username",
    password: "Password",
    usernamePlaceholder: "Enter your username",
    passwordPlaceholder: "Enter your password",
    usernameRequired: "Username is required",
    passwordRequired: "Password is required",
    submit: "Sign in",
  },
  wecomSync: {
    title: "WeCom sync",
    hint: "A full sync of staff, customers, follow relations, corp tags and customer groups from WeCom. It runs nightly at 03:00 and resumes where it stopped.",
    start: "Sync now",
    running: "Syncing…",
    started: "Sync started",
    busy: "A sync is already running",
    never: "No sync yet",
    status: "Status",
    unlicensed: "These members have no interop licence, so their customers were not read: {users}",
    statuses: { running: "Running", done: "Done", failed: "Failed" },
    phase: { staff: "Staff", customers: "Customers", tags: "Corp tags", groups: "Groups", finish: "Finish" },
    counts: {
      staff: "Staff",
      customers: "Customers",
      relations: "Relations",
      relationsGone: "Gone",
      tags: "Corp tags",
      groups: "Groups",
      members: "Members",
    },
  },
  dashboard: {
    title: "Dashboard",
    loadFailed: "Failed to load the dashboard",
    stats: {
      customers: "Customers",
      orders: "Orders",
      revenue: "Revenue",
      groups: "Customer groups",
      staff: "Staff",
      stores: "Stores",
    },
    hints: { followRelations: "{count} follow relations", groupMembers: "{count} group members" },
    chart: { title: "Orders and revenue by month", orders: "Orders", revenue: "Revenue (¥)" },
    segments: {
      title: "Customer segments",
      emptyHint: "RFM segments are not computed yet",
      count: "{count} customers",
    },
  },
};

export default en;
