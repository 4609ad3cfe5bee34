/** The certification bodies and schemes of the demo data: invented, but shaped like the real ones. */
import { WeightedTable, type Random } from './random.ts';
import type { SchemeCode } from './names.ts';

export interface BodySpec {
  code: string;
  name: string;
  approvalNumber: string;
  website: string;
  email: string;
  phone: string;
  address: string;
  postcode: string;
  schemes: readonly SchemeCode[];
  weight: number;
}

/** Invented bodies: the demo must not put words in a real body's mouth, so the domains are under .example. */
export const BODIES: readonly BodySpec[] = [
  {
    code: 'HXC',
    name: '华信服务认证中心有限公司',
    approvalNumber: 'CNCA-R-2002-017',
    website: 'https://www.hxc-cert.example',
    email: 'gongshi@hxc-cert.example',
    phone: '010-65871234',
    address: '北京市朝阳区东三环中路39号华信大厦12层',
    postcode: '100022',
    schemes: ['after-sales', 'restaurant', 'property', 'wholesale'],
    weight: 3,
  },
  {
    code: 'ZHQC',
    name: '中衡质量认证有限公司',
    approvalNumber: 'CNCA-R-2004-112',
    website: 'https://www.zhqc.example',
    email: 'objection@zhqc.example',
    phone: '021-64281190',
    address: '上海市徐汇区漕溪北路88号中衡大厦15层',
    postcode: '200030',
    schemes: ['after-sales', 'restaurant', 'property', 'wholesale'],
    weight: 2.5,
  },
  {
    code: 'DFC',
    name: '东方标准认证集团有限公司',
    approvalNumber: 'CNCA-R-2003-045',
    website: 'https://www.dfc-cert.example',
    email: 'yiyi@dfc-cert.example',
    phone: '010-82317755',
    address: '北京市海淀区学院路30号东方科技大厦B座8层',
    postcode: '100083',
    schemes: ['after-sales', 'property', 'wholesale'],
    weight: 2,
  },
  {
    code: 'NFLH',
    name: '南方联合认证中心有限公司',
    approvalNumber: 'CNCA-R-2011-138',
    website: 'https://www.nflh-cert.example',
    email: 'gongshi@nflh-cert.example',
    phone: '020-38862210',
    address: '广东省广州市天河区天河路208号粤海天河城大厦21层',
    postcode: '510620',
    schemes: ['after-sales', 'restaurant', 'property'],
    weight: 1.5,
  },
  {
    code: 'CYC',
    name: '浙江诚誉认证有限公司',
    approvalNumber: 'CNCA-R-2016-263',
    website: 'https://www.cyc-cert.example',
    email: 'service@cyc-cert.example',
    phone: '0571-87096688',
    address: '浙江省杭州市西湖区文三路478号华星时代广场A座9层',
    postcode: '310013',
    schemes: ['after-sales', 'restaurant'],
    weight: 1,
  },
  {
    code: 'THC',
    name: '天衡服务质量认证有限公司',
    approvalNumber: 'CNCA-R-2019-071',
    website: 'https://www.thc-cert.example',
    email: 'gongshi@thc-cert.example',
    phone: '028-86671320',
    address: '四川省成都市武侯区人民南路四段11号天衡中心17层',
    postcode: '610041',
    schemes: ['property', 'wholesale'],
    weight: 1,
  },
];

export interface LevelSpec {
  code: string;
  name: string;
  minScore: number | null;
  rank: number;
  /** How often a certificate is issued at this level. */
  weight: number;
}

export interface SchemeSpec {
  code: SchemeCode;
  name: string;
  nameEn: string;
  basis: string;
  description: string;
  /** The scheme's part of a certificate number: CQC-SH-24-001234. */
  abbreviation: string;
  levels: readonly LevelSpec[];
}

export const SCHEMES: readonly SchemeSpec[] = [
  {
    code: 'after-sales',
    name: '售后服务认证',
    nameEn: 'After-sales service',
    basis: '《商品售后服务评价体系》GB/T 27922',
    description:
      '依据 GB/T 27922 对企业的售后服务体系、服务过程和服务绩效进行评价，按现场评价得分确定等级：达标（70分及以上）、三星（80分及以上）、四星（90分及以上）、五星（95分及以上）。星级只在本认证内比较，与其他服务认证的等级没有可比性。',
    abbreviation: 'SH',
    levels: [
      { code: 'compliant', name: '达标', minScore: 70, rank: 1, weight: 15 },
      { code: 'three-star', name: '三星', minScore: 80, rank: 2, weight: 30 },
      { code: 'four-star', name: '四星', minScore: 90, rank: 3, weight: 35 },
      { code: 'five-star', name: '五星', minScore: 95, rank: 4, weight: 20 },
    ],
  },
  {
    code: 'restaurant',
    name: '餐厅餐饮服务认证',
    nameEn: 'Restaurant service',
    basis: '认证机构《餐厅餐饮服务认证实施规则》',
    description:
      '适用于提供午餐、晚餐正餐并有桌边服务的堂食餐厅，评价就餐环境、菜品与服务质量、食品安全管理和顾客满意。外卖、快餐、团体膳食和自助餐不在认证范围内。等级由认证机构规则确定。',
    abbreviation: 'CY',
    levels: [
      { code: 'good', name: '良好', minScore: null, rank: 1, weight: 35 },
      { code: 'excellent', name: '优秀', minScore: null, rank: 2, weight: 45 },
      { code: 'outstanding', name: '卓越', minScore: null, rank: 3, weight: 20 },
    ],
  },
  {
    code: 'property',
    name: '物业服务认证',
    nameEn: 'Property management service',
    basis: '认证机构《物业服务认证实施规则》',
    description:
      '适用于已运营满一年、所申请认证的在管项目承接查验满六个月的物业服务企业，评价客户服务、房屋及共用设施设备维护、秩序维护、环境卫生和绿化养护等服务能力。等级由认证机构规则确定。',
    abbreviation: 'WY',
    levels: [
      { code: 'standard', name: '标准级', minScore: null, rank: 1, weight: 40 },
      { code: 'superior', name: '优秀级', minScore: null, rank: 2, weight: 45 },
      { code: 'exemplary', name: '示范级', minScore: null, rank: 3, weight: 15 },
    ],
  },
  {
    code: 'wholesale',
    name: '批发业服务认证',
    nameEn: 'Wholesale service',
    basis: '认证机构《批发业服务认证实施规则》',
    description: '评价批发企业的采购与供应、仓储物流、订单处理与交付、客户服务和质量追溯等服务能力。等级由认证机构规则确定。',
    abbreviation: 'PF',
    levels: [
      { code: 'qualified', name: '合格', minScore: null, rank: 1, weight: 55 },
      { code: 'excellent', name: '优秀', minScore: null, rank: 2, weight: 45 },
    ],
  },
];

const SCHEME_BY_CODE = new Map(SCHEMES.map((scheme) => [scheme.code, scheme]));
export const schemeOf = (code: SchemeCode): SchemeSpec => SCHEME_BY_CODE.get(code)!;
export const levelOf = (scheme: SchemeSpec, code: string): LevelSpec => scheme.levels.find((level) => level.code === code)!;

export const bodiesFor = new Map(
  SCHEMES.map((scheme) => [
    scheme.code,
    new WeightedTable(
      BODIES.filter((body) => body.schemes.includes(scheme.code)),
      (body) => body.weight,
    ),
  ]),
);
export const levelsFor = new Map(SCHEMES.map((scheme) => [scheme.code, new WeightedTable(scheme.levels, (level) => level.weight)]));

/** A neighbouring level: up more often than down, as holders work on their rating. */
export function changedLevel(random: Random, scheme: SchemeSpec, current: string): string {
  const rank = levelOf(scheme, current).rank;
  const up = rank < scheme.levels.length && (rank === 1 || random.chance(0.6));
  return scheme.levels.find((level) => level.rank === (up ? rank + 1 : rank - 1))!.code;
}
