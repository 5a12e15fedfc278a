import type { Rng } from "./random.ts";

/**
 * Name pools for the demo corp: common surnames (roughly by frequency) and given-name characters,
 * each with its pinyin so that staff get WeCom userids like `zhangwei`. Customers also get some
 * WeChat-style nicknames, since an external contact's name is whatever they call themselves.
 */

/** surname, pinyin, relative frequency */
const SURNAMES = table(`
  王wang72 李li71 张zhang68 刘liu54 陈chen45 杨yang31 黄huang24 赵zhao21 吴wu20 周zhou19 徐xu15 孙sun14
  马ma13 朱zhu13 胡hu12 郭guo11 何he10 林lin10 罗luo9 高gao9 郑zheng8 梁liang8 谢xie7 宋song6
  唐tang6 许xu6 韩han5 冯feng5 邓deng5 曹cao5 彭peng5 曾zeng5 肖xiao5 田tian4 董dong4 袁yuan4
  潘pan4 于yu4 蒋jiang4 蔡cai4 余yu4 杜du4 叶ye4 程cheng4 苏su3 魏wei3 吕lv3 丁ding3
  任ren3 沈shen3 姚yao3 卢lu3 姜jiang3 崔cui3 钟zhong3 谭tan3 陆lu3 汪wang3 范fan3 金jin3
  石shi2 廖liao2 贾jia2 夏xia2 韦wei2 方fang2 白bai2 邹zou2 孟meng2 熊xiong2 秦qin2 邱qiu2
  江jiang2 尹yin2 薛xue2 段duan2 雷lei2 侯hou2 龙long2 史shi2 陶tao2 贺he2 顾gu2 毛mao2
  郝hao2 龚gong2 邵shao2 万wan2 钱qian2 严yan2 武wu2 戴dai2 莫mo1 孔kong1 汤tang1
`).map(([c, p, n]) => [c, p, Number(n)] as const);

const FEMALE = table(`
  芳fang 娜na 敏min 静jing 丽li 婷ting 雪xue 琳lin 晶jing 颖ying 倩qian 洁jie 燕yan 欣xin
  怡yi 佳jia 梦meng 雯wen 萱xuan 悦yue 瑶yao 琪qi 蕾lei 璐lu 慧hui 玲ling 霞xia 薇wei
  彤tong 诗shi 涵han 思si 雨yu 晓xiao 嘉jia 可ke 若ruo 紫zi 月yue 秀xiu 艳yan 红hong
`).map(([c, p]) => [c, p] as const);

const MALE = table(`
  伟wei 强qiang 磊lei 军jun 洋yang 勇yong 杰jie 涛tao 明ming 超chao 浩hao 鹏peng 宇yu 辉hui
  斌bin 俊jun 峰feng 凯kai 晨chen 博bo 文wen 轩xuan 毅yi 健jian 鑫xin 航hang 泽ze 昊hao
  然ran 睿rui 志zhi 建jian 海hai 东dong 天tian 子zi
`).map(([c, p]) => [c, p] as const);

const NICKNAMES = `
  Amy Vivian Coco Cherry Lily Grace Kevin Leo Jason Annie Momo 小鱼儿 阳光 晴天 小雨 糖糖
  一一 木木 安然 向日葵 知足常乐 静待花开 岁月静好 北北 小太阳 桃子 果果 橙子 Echo Yuki Sunny
`
  .trim()
  .split(/\s+/);

/** "王wang72 李li71" → [["王", "wang", "72"], ["李", "li", "71"]]: one Chinese character, its pinyin, a number */
function table(text: string): string[][] {
  return text
    .trim()
    .split(/\s+/)
    .map((cell) => {
      const m = /^(.)([a-z]+)(\d*)$/u.exec(cell);
      if (!m) throw new Error(`bad name cell ${cell}`);
      return m.slice(1);
    });
}

const surnameWeights = SURNAMES.map((s) => s[2]);

export interface PersonName {
  name: string;
  pinyin: string;
  surname: string;
  /** 0 unknown, 1 male, 2 female (WeCom's codes) */
  gender: number;
}

export function personName(rng: Rng, gender: number): PersonName {
  const [surname, surnamePinyin] = rng.weighted(SURNAMES, surnameWeights);
  const pool = gender === 1 ? MALE : gender === 2 ? FEMALE : rng.chance(0.5) ? MALE : FEMALE;
  const parts = rng.chance(0.62) ? [rng.pick(pool), rng.pick(pool)] : [rng.pick(pool)];
  if (parts.length === 2 && parts[0][0] === parts[1][0] && rng.chance(0.7)) parts.pop();
  return {
    name: surname + parts.map((p) => p[0]).join(""),
    pinyin: surnamePinyin + parts.map((p) => p[1]).join(""),
    surname,
    gender,
  };
}

/** A customer's display name: mostly a real name, sometimes a WeChat nickname. */
export function customerName(rng: Rng, gender: number): PersonName {
  const person = personName(rng, gender);
  if (!rng.chance(0.14)) return person;
  const nick = rng.pick(NICKNAMES);
  return { ...person, name: rng.chance(0.3) ? `${nick}${person.surname}` : nick };
}

/** "王女士-VIP" style remarks guides give their customers. */
export function remarkFor(rng: Rng, person: PersonName, mobile: string | null, storeShort: string): string {
  const title = person.gender === 2 ? "女士" : person.gender === 1 ? "先生" : "";
  const base = title && rng.chance(0.7) ? person.surname + title : person.name;
  const suffixes = ["-VIP", "-老客", `-${storeShort}`, "-会员", person.gender === 2 ? "-宝妈" : "-VIP", "(团购)", ""];
  if (mobile && rng.chance(0.3)) return `${base} ${mobile.slice(-4)}`;
  return base + rng.weighted(suffixes, [3, 3, 2, 2, 1, 0.5, 3]);
}

export const DESCRIPTIONS = [
  "偏好连衣裙，尺码M",
  "喜欢新品，上新第一时间通知",
  "公司团购联系人",
  "活动期间购买，对价格敏感",
  "老客户，常买护肤套装",
  "生日在下半年，记得送券",
  "周末带孩子来店",
  "只买基础款，尺码L",
];
