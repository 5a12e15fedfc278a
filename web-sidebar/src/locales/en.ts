import type { MessageSchema } from "./zh-CN";

const en: MessageSchema = {
  app: { title: "Siyu" },
  common: { retry: "Retry", loading: "Loading…", empty: "No data", language: "Language" },
  errors: {
    network: "Network error, please check your connection and retry",
    unknown: "Something went wrong, please try again later",
    boot: "The sidebar failed to start",
  },
  home: {
    loadFailed: "Failed to load",
    noStore: "No store assigned",
    stats: { customers: "My customers", groups: "My groups", openTasks: "Open tasks" },
    context: {
      title: "Current chat",
      single_chat_tools: "One-to-one chat",
      group_chat_tools: "Customer group",
      contact_profile: "Customer profile",
      normal: "Not in a chat",
      failed: "Could not read the chat context",
    },
  },
  devLogin: {
    title: "Pick a simulated staff member",
    hint: "Simulator mode: sign in to the sidebar as one staff member",
    noStore: "No store assigned",
    empty: "No staff available",
    loginFailed: "Sign-in failed: {message}",
  },
};

export default en;
