// Sample API answers shared by unit tests (never imported by app code).
import type { SidebarMe } from "./types";

export const sampleMe: SidebarMe = {
  staff: { userid: "zhangsan", name: "张三", avatar: null, stores: [{ id: 1, name: "静安店" }] },
  customerCount: 214,
  groupCount: 6,
  openTaskCount: 3,
};
