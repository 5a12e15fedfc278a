// Simplified Chinese: the default language and the shape every other locale must match.
const zhCN = {
  app: { name: "私域", title: "私域 · 管理后台" },
  common: { retry: "重试", loading: "加载中…", empty: "暂无数据", language: "语言" },
  errors: {
    network: "网络连接失败，请检查网络后重试",
    unknown: "发生未知错误，请稍后重试",
    session: "无法确认登录状态：{message}",
  },
  menu: { dashboard: "数据概览", wecomSync: "企业微信同步" },
  roles: { hq_admin: "总部管理员", hq_operator: "总部运营", store_manager: "门店店长", staff: "员工" },
  header: { logout: "退出登录" },
  login: {
    title: "登录私域",
    subtitle: "企业微信私域运营平台",
    username: "用户名",
    password: "密码",
    usernamePlaceholder: "请输入用户名",
    passwordPlaceholder: "请输入密码",
    usernameRequired: "请输入用户名",
    passwordRequired: "请输入密码",
    submit: "登录",
  },
  wecomSync: {
    title: "企业微信同步",
    hint: "从企业微信全量同步成员、客户、跟进关系、企业标签和客户群。每晚 03:00 自动运行，中断后会从断点继续。",
    start: "立即同步",
    running: "同步中…",
    started: "已开始同步",
    busy: "已有同步正在进行",
    never: "尚未同步过",
    status: "状态",
    unlicensed: "以下成员没有互通许可，其客户未能读取：{users}",
    statuses: { running: "进行中", done: "已完成", failed: "失败" },
    phase: { staff: "成员", customers: "客户", tags: "企业标签", groups: "客户群", finish: "收尾" },
    counts: {
      staff: "成员",
      customers: "客户",
      relations: "跟进关系",
      relationsGone: "已失效关系",
      tags: "企业标签",
      groups: "客户群",
      members: "群成员",
    },
  },
  dashboard: {
    title: "数据概览",
    loadFailed: "数据加载失败",
    stats: {
      customers: "客户数",
      orders: "订单数",
      revenue: "成交金额",
      groups: "客户群",
      staff: "员工",
      stores: "门店",
    },
    hints: { followRelations: "跟进关系 {count}", groupMembers: "群成员 {count}" },
    chart: { title: "月度订单与成交额", orders: "订单数", revenue: "成交额（元）" },
    segments: { title: "客户分层", emptyHint: "RFM 分层尚未计算", count: "{count} 人" },
  },
};

export type MessageSchema = typeof zhCN;
export default zhCN;
