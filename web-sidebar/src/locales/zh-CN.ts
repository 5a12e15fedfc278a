// Simplified Chinese: the default language and the shape every other locale must match.
const zhCN = {
  app: { title: "私域" },
  common: { retry: "重试", loading: "加载中…", empty: "暂无数据", language: "语言" },
  errors: {
    network: "网络连接失败，请检查网络后重试",
    unknown: "发生未知错误，请稍后重试",
    boot: "侧边栏启动失败",
  },
  home: {
    loadFailed: "加载失败",
    noStore: "未分配门店",
    stats: { customers: "我的客户", groups: "我的客户群", openTasks: "待办任务" },
    context: {
      title: "当前会话",
      single_chat_tools: "单聊",
      group_chat_tools: "客户群",
      contact_profile: "客户资料页",
      normal: "非会话入口",
      failed: "无法获取会话信息",
    },
  },
  devLogin: {
    title: "选择模拟员工",
    hint: "模拟器模式：选择一名员工登录侧边栏",
    noStore: "未分配门店",
    empty: "没有可用的员工",
    loginFailed: "登录失败：{message}",
  },
};

export type MessageSchema = typeof zhCN;
export default zhCN;
