// Simplified Chinese: the default language and the shape every other locale must match.
const zhCN = {
  app: { name: "私域", title: "私域 · 管理后台" },
  common: { retry: "重试", loading: "加载中…", empty: "暂无数据", language: "语言" },
  errors: {
    network: "网络连接失败，请检查网络后重试",
    unknown: "发生未知错误，请稍后重试",
    session: "无法确认登录状态：{message}",
  },
  menu: { dashboard: "数据概览" },
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
