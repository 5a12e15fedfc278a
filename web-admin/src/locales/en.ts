import type { MessageSchema } from "./zh-CN";

const en: MessageSchema = {
  app: { name: "Siyu", title: "Siyu · Admin" },
  common: { retry: "Retry", loading: "Loading…", empty: "No data", language: "Language" },
  errors: {
    network: "Network error, please check your connection and retry",
    unknown: "Something went wrong, please try again later",
    session: "Could not check your session: {message}",
  },
  menu: { dashboard: "Dashboard" },
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
