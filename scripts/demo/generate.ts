/**
 * Deterministic demo data: bodies, the four schemes, organisations, certificates with
 * their event histories, and public notices. The same seed and the same Beijing day of
 * `now` always give the same rows, so screenshots, tests and demos can be reproduced.
 */
import { sql, type Insertable } from 'kysely';
import type { PortalDb } from '../../src/lib/db/database.ts';
import { generatedIdsCaughtUp } from '../../src/lib/db/seam.ts';
import type { NoticeKind, NoticeTable } from '../../src/lib/db/notice.table.ts';
import type {
  CertificateEventKind,
  CertificateEventTable,
  CertificateTable,
  CertificationBodyTable,
  OrganisationTable,
  SchemeLevelTable,
  SchemeTable,
  StoredCertificateStatus,
} from '../../src/lib/db/registry.table.ts';
import { USCC_ALPHABET, usccCheckCharacter } from '../../src/lib/organisations/uscc.ts';
import { certificateNumberKey, toSearchForm } from '../../src/lib/text/normalise.ts';
import { beijingDate } from '../../src/lib/time/beijing.ts';
import {
  AFTER_SALES_SERVICES,
  BUILDING_NAMES,
  CANCELLATION_REASONS,
  CITIES,
  CUISINES,
  ESTATE_NAMES,
  ESTATE_SUFFIXES,
  FAMOUS_TRADE_NAMES,
  FINDINGS,
  HOLDER_CHANGES,
  INDUSTRIES,
  PROPERTY_SERVICES,
  RESTAURANT_TRADE_WORDS,
  STREETS,
  SUSPENSION_REASONS,
  TRADE_CHARACTERS,
  TRADE_WORDS,
  WHOLESALE_SERVICES,
  WITHDRAWAL_REASONS,
  type City,
  type District,
  type Industry,
  type SchemeCode,
} from './names.ts';

export interface DemoDataOptions {
  certificates: number;
  notices: number;
  seed: number;
  now: Date;
}

export interface DemoDataCounts {
  bodies: number;
  schemes: number;
  organisations: number;
  certificates: number;
  events: number;
  notices: number;
}

/** mulberry32: tiny, fast and good enough for demo data; the whole output hangs on its seed. */
class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** A whole number from min to max, both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** min to max distinct items, in their original order. */
  subset<T>(items: readonly T[], min: number, max: number): T[] {
    const count = Math.min(items.length, this.int(min, max));
    const chosen = this.shuffle(items.map((_, i) => i)).slice(0, count);
    return chosen.sort((a, b) => a - b).map((i) => items[i]!);
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

class WeightedTable<T> {
  private readonly cumulative: number[] = [];
  private readonly total: number;

  constructor(
    private readonly items: readonly T[],
    weight: (item: T) => number,
  ) {
    let sum = 0;
    for (const item of items) {
      sum += weight(item);
      this.cumulative.push(sum);
    }
    this.total = sum;
  }

  pick(random: Random): T {
    const target = random.next() * this.total;
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.cumulative[middle]! > target) high = middle;
      else low = middle + 1;
    }
    return this.items[low]!;
  }
}

const weighted = <T>(random: Random, entries: readonly (readonly [T, number])[]): T =>
  new WeightedTable(entries, ([, weight]) => weight).pick(random)[0];

/** Days since 1970-01-01: plain integers keep date arithmetic fast for 100,000 certificates. */
type Day = number;

const MINUTE_MS = 60_000;
const DAY_MS = 24 * 60 * MINUTE_MS;
const BEIJING_OFFSET_MS = 8 * 60 * MINUTE_MS;
const OPENING_MINUTE = 9 * 60;
const CLOSING_MINUTE = 17 * 60;

const toDay = (date: string): Day => Date.parse(`${date}T00:00:00.000Z`) / DAY_MS;
const dateOf = (day: Day): string => new Date(day * DAY_MS).toISOString().slice(0, 10);
/** The instant `minute` minutes after 00:00 Beijing time on `day`. */
const beijingInstant = (day: Day, minute: number): number => day * DAY_MS - BEIJING_OFFSET_MS + minute * MINUTE_MS;
const isoOf = (instant: number): string => new Date(instant).toISOString();

function plusYears(day: Day, years: number): Day {
  const date = new Date(day * DAY_MS);
  date.setUTCFullYear(date.getUTCFullYear() + years);
  return Math.round(date.getTime() / DAY_MS);
}

/** A certificate issued on `issuedOn` is valid up to and including this day. */
const lastValidDay = (issuedOn: Day): Day => plusYears(issuedOn, 3) - 1;

/** Fixed-date public holidays only: the lunar ones (Spring Festival…) move each year and are left out. */
const FIXED_HOLIDAYS = new Set(['01-01', '05-01', '05-02', '05-03', '10-01', '10-02', '10-03', '10-04', '10-05', '10-06', '10-07']);
const workingDays = new Map<Day, boolean>();

function isWorkingDay(day: Day): boolean {
  let working = workingDays.get(day);
  if (working === undefined) {
    const weekday = (((day + 4) % 7) + 7) % 7;
    working = weekday !== 0 && weekday !== 6 && !FIXED_HOLIDAYS.has(dateOf(day).slice(5));
    workingDays.set(day, working);
  }
  return working;
}

function workingDayOnOrBefore(day: Day): Day {
  while (!isWorkingDay(day)) day--;
  return day;
}

function workingDayOnOrAfter(day: Day): Day {
  while (!isWorkingDay(day)) day++;
  return day;
}

function chineseDate(day: Day): string {
  const [year, month, date] = dateOf(day).split('-');
  return `${year}年${Number(month)}月${Number(date)}日`;
}

/** The end of a date range, without the year or month it shares with the start: "13日" after "2025年6月11日". */
function chineseDateAfter(first: Day, last: Day): string {
  const full = chineseDate(last);
  const [firstYear, firstMonth] = dateOf(first).split('-');
  const [lastYear, lastMonth] = dateOf(last).split('-');
  if (firstYear !== lastYear) return full;
  return firstMonth === lastMonth ? full.slice(full.indexOf('月') + 1) : full.slice(full.indexOf('年') + 1);
}

const officeInstant = (random: Random, day: Day): number =>
  beijingInstant(day, random.int(OPENING_MINUTE, CLOSING_MINUTE));

interface BodySpec {
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
const BODIES: readonly BodySpec[] = [
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

interface LevelSpec {
  code: string;
  name: string;
  minScore: number | null;
  rank: number;
  /** How often a certificate is issued at this level. */
  weight: number;
}

interface SchemeSpec {
  code: SchemeCode;
  name: string;
  nameEn: string;
  basis: string;
  description: string;
  /** The scheme's part of a certificate number: CQC-SH-24-001234. */
  abbreviation: string;
  levels: readonly LevelSpec[];
}

const SCHEMES: readonly SchemeSpec[] = [
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
    description:
      '评价批发企业的采购与供应、仓储物流、订单处理与交付、客户服务和质量追溯等服务能力。等级由认证机构规则确定。',
    abbreviation: 'PF',
    levels: [
      { code: 'qualified', name: '合格', minScore: null, rank: 1, weight: 55 },
      { code: 'excellent', name: '优秀', minScore: null, rank: 2, weight: 45 },
    ],
  },
];

const SCHEME_BY_CODE = new Map(SCHEMES.map((scheme) => [scheme.code, scheme]));
const schemeOf = (code: SchemeCode): SchemeSpec => SCHEME_BY_CODE.get(code)!;
const levelOf = (scheme: SchemeSpec, code: string): LevelSpec => scheme.levels.find((level) => level.code === code)!;

const bodiesFor = new Map(
  SCHEMES.map((scheme) => [
    scheme.code,
    new WeightedTable(
      BODIES.filter((body) => body.schemes.includes(scheme.code)),
      (body) => body.weight,
    ),
  ]),
);
const levelsFor = new Map(SCHEMES.map((scheme) => [scheme.code, new WeightedTable(scheme.levels, (level) => level.weight)]));

/** A neighbouring level: up more often than down, as holders work on their rating. */
function changedLevel(random: Random, scheme: SchemeSpec, current: string): string {
  const rank = levelOf(scheme, current).rank;
  const up = rank < scheme.levels.length && (rank === 1 || random.chance(0.6));
  return scheme.levels.find((level) => level.rank === (up ? rank + 1 : rank - 1))!.code;
}

interface DemoOrganisation {
  index: number;
  uscc: string;
  name: string;
  city: City;
  district: District | null;
  industry: Industry;
  cuisine: string;
  address: string;
  updatedAt: number;
}

const CITY_TABLE = new WeightedTable(CITIES, (city) => city.weight);
const INDUSTRY_TABLE = new WeightedTable(INDUSTRIES, (industry) => industry.weight);
const LEGAL_FORMS = [
  ['有限公司', 6],
  ['有限责任公司', 1],
  ['股份有限公司', 2],
  ['集团有限公司', 0.6],
] as const;

function addressIn(random: Random, city: City, district: District | null): string {
  const place = city.province === city.city ? city.city : `${city.province}${city.city}`;
  const street = `${random.pick(STREETS)}${random.int(1, 999)}号`;
  const tail = weighted(random, [
    ['', 3],
    [`${random.pick(BUILDING_NAMES)}${random.int(2, 28)}层`, 3],
    [`${random.int(1, 12)}幢${random.int(1, 22)}0${random.int(1, 9)}室`, 2],
    [`${random.int(1, 6)}号楼`, 1],
  ] as const);
  return `${place}${district?.name ?? ''}${street}${tail}`;
}

function tradeName(random: Random, industry: Industry): string {
  if (industry.restaurantTrade && random.chance(0.3)) return random.pick(RESTAURANT_TRADE_WORDS);
  if (random.chance(0.12)) return random.pick(TRADE_WORDS);
  const length = weighted(random, [
    [2, 70],
    [3, 22],
    [4, 8],
  ] as const);
  for (;;) {
    let name = '';
    while (name.length < length) {
      const character = random.pick(TRADE_CHARACTERS);
      if (!name.includes(character)) name += character;
    }
    if (!FAMOUS_TRADE_NAMES.some((famous) => name.includes(famous))) return name;
  }
}

function organisationName(random: Random, city: City, district: District | null, industry: Industry): string {
  const trade = tradeName(random, industry);
  const cityShort = city.city.replace(/市$/, '');
  const form = weighted(random, LEGAL_FORMS);
  const pattern = random.next();
  if (pattern < 0.5) return `${cityShort}${trade}${industry.word}${form}`;
  if (pattern < 0.65) return `${cityShort}市${trade}${industry.word}${form}`;
  if (pattern < 0.77) return `${trade}${industry.word}（${cityShort}）${form}`;
  if (pattern < 0.87) return `${city.provinceShort}${trade}${industry.word}${form}`;
  if (district && pattern < 0.95) {
    const branch = industry.restaurantTrade ? '分店' : '分公司';
    return `${cityShort}${trade}${industry.word}有限公司${district.name.replace(/(区|市)$/, '')}${branch}`;
  }
  return `${trade}${industry.word}（${city.provinceShort}）${form}`;
}

/** GB 11714 organisation code check digit over 8 characters (letters count A = 10 … Z = 35). */
function organisationCodeCheck(code: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const character = code[i]!;
    sum += (character >= 'A' ? character.charCodeAt(0) - 55 : Number(character)) * weights[i]!;
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

const USCC_LETTERS_AND_DIGITS = Array.from(USCC_ALPHABET);
const DIGITS = Array.from('0123456789');

function newUscc(random: Random, divisionCode: string, taken: Set<string>): string {
  for (;;) {
    let code = '';
    // Codes assigned since 2015 start "MA"; older ones are the company's former all-digit organisation code.
    if (random.chance(0.45)) {
      code = 'MA';
      while (code.length < 8) code += random.pick(USCC_LETTERS_AND_DIGITS);
    } else {
      code = String(random.int(1, 7));
      while (code.length < 8) code += random.pick(DIGITS);
    }
    const first17 = `91${divisionCode}${code}${organisationCodeCheck(code)}`;
    const uscc = first17 + usccCheckCharacter(first17)!;
    if (!taken.has(uscc)) {
      taken.add(uscc);
      return uscc;
    }
  }
}

class OrganisationFactory {
  readonly organisations: DemoOrganisation[] = [];
  private readonly usccs = new Set<string>();
  private readonly names = new Set<string>();

  create(random: Random, industry: Industry = INDUSTRY_TABLE.pick(random)): DemoOrganisation {
    const city = CITY_TABLE.pick(random);
    const district = city.districts.length > 0 ? random.pick(city.districts) : null;
    let name = '';
    for (let attempt = 0; ; attempt++) {
      name = organisationName(random, city, district, industry);
      if (!this.names.has(name)) break;
      if (attempt > 100) throw new Error('Could not invent a new organisation name');
    }
    this.names.add(name);
    const divisionCode = district && random.chance(0.75) ? district.code : city.code;
    const organisation: DemoOrganisation = {
      index: this.organisations.length,
      uscc: newUscc(random, divisionCode, this.usccs),
      name,
      city,
      district,
      industry,
      cuisine: random.pick(CUISINES),
      address: addressIn(random, city, district),
      updatedAt: 0,
    };
    this.organisations.push(organisation);
    return organisation;
  }
}

function scopeFor(random: Random, scheme: SchemeCode, organisation: DemoOrganisation): string {
  const industry = organisation.industry;
  switch (scheme) {
    case 'after-sales':
      return `${random.subset(industry.products ?? ['家用电器'], 1, 3).join('、')}的售后服务（${random.subset(industry.afterSales ?? AFTER_SALES_SERVICES, 3, 5).join('、')}）`;
    case 'restaurant':
      return random.chance(0.5)
        ? `${organisation.cuisine}正餐（午餐、晚餐）堂食服务，含桌边点餐、上菜及结账服务`
        : `${organisation.cuisine}正餐堂食服务（午市、晚市，提供桌边服务；不含外卖、快餐及自助餐）`;
    case 'property':
      return `${random.subset(industry.premises ?? ['住宅小区', '商业写字楼'], 1, 2).join('、')}的物业服务（${PROPERTY_SERVICES}）`;
    case 'wholesale':
      return `${random.subset(industry.goods ?? ['日用百货'], 1, 3).join('、')}的批发服务（${random.subset(WHOLESALE_SERVICES, 3, 5).join('、')}）`;
  }
}

function differentScope(random: Random, scheme: SchemeCode, organisation: DemoOrganisation, current: string): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const scope = scopeFor(random, scheme, organisation);
    if (scope !== current) return scope;
  }
  return `${current}；新增服务网点`;
}

function sitesFor(random: Random, scheme: SchemeCode, organisation: DemoOrganisation): string {
  const { city } = organisation;
  const elsewhere = () => addressIn(random, city, city.districts.length > 0 ? random.pick(city.districts) : null);
  const count = weighted(random, [
    [1, 6],
    [2, 3],
    [3, 1],
  ] as const);
  const sites: string[] = [];
  if (scheme === 'property') {
    while (sites.length < count) sites.push(`${elsewhere()}（${random.pick(ESTATE_NAMES)}${random.pick(ESTATE_SUFFIXES)}）`);
  } else {
    sites.push(scheme === 'restaurant' && random.chance(0.5) ? elsewhere() : organisation.address);
    while (sites.length < count) sites.push(elsewhere());
  }
  return [...new Set(sites)].join('\n');
}

type Fate = 'valid' | 'suspended' | 'withdrawn' | 'cancelled' | 'expired';

/** Shares of the certificates that do not end up plainly valid. */
const FATE_SHARES: readonly (readonly [Fate, number])[] = [
  ['suspended', 0.06],
  ['withdrawn', 0.05],
  ['cancelled', 0.05],
  ['expired', 0.09],
];

interface DemoEvent {
  day: Day;
  kind: CertificateEventKind;
  description: string;
  levelCode: string | null;
  expiresOn: Day | null;
  scope: string | null;
  occurredAt: number;
}

interface DemoCertificate {
  index: number;
  organisation: DemoOrganisation;
  body: BodySpec;
  scheme: SchemeSpec;
  levelCode: string;
  scope: string;
  sites: string;
  firstIssuedOn: Day;
  issuedOn: Day;
  expiresOn: Day;
  status: StoredCertificateStatus;
  events: DemoEvent[];
  number: string;
}

const ORDINALS = ['一', '二', '三'];

/** Quotas instead of coin flips, so even a small data set has every status. */
function fateQuota(random: Random, count: number): Fate[] {
  const fates: Fate[] = [];
  for (const [fate, share] of FATE_SHARES) {
    const wanted = count >= FATE_SHARES.length + 1 ? Math.max(1, Math.round(count * share)) : 0;
    for (let i = 0; i < wanted; i++) fates.push(fate);
  }
  while (fates.length < count) fates.push('valid');
  return random.shuffle(fates);
}

function buildHistory(
  random: Random,
  anchor: Day,
  organisation: DemoOrganisation,
  scheme: SchemeSpec,
  fate: Fate,
): Pick<DemoCertificate, 'levelCode' | 'scope' | 'firstIssuedOn' | 'issuedOn' | 'expiresOn' | 'status' | 'events'> {
  const lastDay = anchor - 1;
  let start: Day;
  let status: StoredCertificateStatus = 'valid';
  let suspendedOn: Day | null = null;
  let ending: { day: Day; kind: 'withdrawn' | 'cancelled' } | null = null;

  switch (fate) {
    case 'valid':
      start = workingDayOnOrBefore(anchor - random.int(1, 1080));
      break;
    case 'suspended':
      start = workingDayOnOrBefore(anchor - random.int(60, 1080));
      suspendedOn = workingDayOnOrBefore(random.int(Math.max(start + 30, anchor - 180), lastDay));
      status = 'suspended';
      break;
    case 'expired': {
      start = workingDayOnOrBefore(anchor - 1096 - random.int(1, 540));
      if (random.chance(0.35)) {
        const expiry = lastValidDay(start);
        suspendedOn = workingDayOnOrBefore(random.int(Math.max(start + 60, expiry - 240), expiry - 1));
        status = 'suspended';
      }
      break;
    }
    case 'withdrawn':
    case 'cancelled': {
      start = workingDayOnOrBefore(anchor - random.int(60, 1800));
      const end = Math.min(lastValidDay(start) - 1, lastDay);
      ending = { day: workingDayOnOrBefore(random.int(start + 45, end)), kind: fate };
      if (random.chance(fate === 'withdrawn' ? 0.7 : 0.15)) {
        const candidate = workingDayOnOrBefore(ending.day - random.int(30, 180));
        if (candidate > start + 20) suspendedOn = candidate;
      }
      status = fate;
      break;
    }
  }

  const cycleStarts: Day[] = [start];
  const recertifications = weighted(random, [
    [0, 50],
    [1, 32],
    [2, 18],
  ] as const);
  for (let i = 0; i < recertifications; i++) {
    const previousExpiry = cycleStarts[0]! + random.int(10, 90);
    const previousStart = workingDayOnOrBefore(plusYears(previousExpiry + 1, -3));
    if (previousStart < anchor - 12 * 365) break;
    cycleStarts.unshift(previousStart);
  }

  // Nothing but the closing events happens from the day the certificate was suspended for good or ended.
  const stopDay = suspendedOn ?? ending?.day ?? anchor;
  const events: Omit<DemoEvent, 'occurredAt'>[] = [];
  const plain = (day: Day, kind: CertificateEventKind, description: string) =>
    events.push({ day, kind, description, levelCode: null, expiresOn: null, scope: null });

  let level = levelsFor.get(scheme.code)!.pick(random).code;
  let scope = scopeFor(random, scheme.code, organisation);

  cycleStarts.forEach((cycleStart, cycle) => {
    const expiry = lastValidDay(cycleStart);
    if (cycle === 0) {
      events.push({
        day: cycleStart,
        kind: 'issued',
        description: `经文件评价和初始现场评价，认证决定批准颁发${scheme.name}证书，认证等级：${levelOf(scheme, level).name}。`,
        levelCode: level,
        expiresOn: expiry,
        scope,
      });
    } else {
      if (random.chance(0.25)) level = changedLevel(random, scheme, level);
      if (random.chance(0.15)) scope = differentScope(random, scheme.code, organisation, scope);
      events.push({
        day: cycleStart,
        kind: 'recertified',
        description: `再认证评价通过，换发证书，认证等级：${levelOf(scheme, level).name}，有效期至${chineseDate(expiry)}。`,
        levelCode: level,
        expiresOn: expiry,
        scope,
      });
    }

    const cycleEnd = Math.min((cycleStarts[cycle + 1] ?? Infinity) - 1, expiry, stopDay - 1);
    let quiet: [Day, Day] | null = null;
    if (random.chance(0.08) && cycleEnd - cycleStart > 150) {
      const suspended = workingDayOnOrBefore(random.int(cycleStart + 40, cycleEnd - 100));
      const restored = workingDayOnOrAfter(suspended + random.int(14, 90));
      if (restored <= cycleEnd) quiet = [suspended, restored];
    }
    const isQuiet = (day: Day) => quiet !== null && day >= quiet[0] && day <= quiet[1];
    const during = (day: Day) => day > cycleStart && day <= cycleEnd && !isQuiet(day);

    const laterChanges: { day: Day; apply: () => void }[] = [];
    for (let year = 1; year <= 2; year++) {
      const day = workingDayOnOrBefore(plusYears(cycleStart, year) - random.int(0, 45));
      if (!during(day)) continue;
      laterChanges.push({
        day,
        apply: () => {
          plain(day, 'surveillance_passed', `第${ORDINALS[year - 1]}次年度监督审核通过，认证证书保持有效。`);
          if (random.chance(0.12)) {
            const previous = level;
            level = changedLevel(random, scheme, level);
            events.push({
              day,
              kind: 'level_changed',
              description: `经监督审核评价，认证等级由${levelOf(scheme, previous).name}调整为${levelOf(scheme, level).name}。`,
              levelCode: level,
              expiresOn: null,
              scope: null,
            });
          }
        },
      });
    }
    if (random.chance(0.1)) {
      const day = workingDayOnOrBefore(random.int(cycleStart + 30, cycleStart + 1000));
      if (during(day)) {
        laterChanges.push({
          day,
          apply: () => {
            scope = differentScope(random, scheme.code, organisation, scope);
            events.push({
              day,
              kind: 'scope_changed',
              description: `经审核，认证范围变更为：${scope}。`,
              levelCode: null,
              expiresOn: null,
              scope,
            });
          },
        });
      }
    }
    if (random.chance(0.06)) {
      const day = workingDayOnOrBefore(random.int(cycleStart + 30, cycleStart + 1000));
      if (during(day)) laterChanges.push({ day, apply: () => plain(day, 'holder_changed', random.pick(HOLDER_CHANGES)) });
    }
    if (quiet) {
      const [suspended, restored] = quiet;
      laterChanges.push({ day: suspended, apply: () => plain(suspended, 'suspended', random.pick(SUSPENSION_REASONS)) });
      laterChanges.push({ day: restored, apply: () => plain(restored, 'restored', '暂停原因已消除，经验证恢复认证证书。') });
    }
    // Applied in time order, so the level and scope each change starts from are the ones then in force.
    laterChanges.sort((a, b) => a.day - b.day).forEach((change) => change.apply());
  });

  if (suspendedOn !== null) plain(suspendedOn, 'suspended', random.pick(SUSPENSION_REASONS));
  if (ending) {
    plain(ending.day, ending.kind, random.pick(ending.kind === 'withdrawn' ? WITHDRAWAL_REASONS : CANCELLATION_REASONS));
  }

  events.sort((a, b) => a.day - b.day);
  let previous = -Infinity;
  const timed = events.map((event) => {
    let occurredAt = officeInstant(random, event.day);
    // Same-day events keep their logical order (surveillance, then the level it led to).
    if (occurredAt <= previous) occurredAt = previous + random.int(10, 50) * MINUTE_MS;
    previous = occurredAt;
    return { ...event, occurredAt };
  });

  const issuedOn = cycleStarts[cycleStarts.length - 1]!;
  return {
    levelCode: level,
    scope,
    firstIssuedOn: cycleStarts[0]!,
    issuedOn,
    expiresOn: lastValidDay(issuedOn),
    status,
    events: timed,
  };
}

/** How many certificates one holder has: spread over distinct schemes its line of business allows. */
function certificatesForHolder(random: Random, industry: Industry, remaining: number): number {
  const wanted = weighted(random, [
    [1, 40],
    [2, 40],
    [3, 20],
  ] as const);
  return Math.min(wanted, industry.schemes.length, remaining);
}

function buildRegistry(random: Random, anchor: Day, certificateCount: number, organisations: OrganisationFactory) {
  const fates = fateQuota(random, certificateCount);
  const certificates: DemoCertificate[] = [];
  while (certificates.length < certificateCount) {
    const organisation = organisations.create(random);
    const { industry } = organisation;
    const count = certificatesForHolder(random, industry, certificateCount - certificates.length);
    const schemes = [industry.schemes[0]!, ...random.subset(industry.schemes.slice(1), count - 1, count - 1)];
    const held: DemoCertificate[] = [];
    for (const schemeCode of schemes) {
      const scheme = schemeOf(schemeCode);
      const history = buildHistory(random, anchor, organisation, scheme, fates[certificates.length]!);
      const certificate: DemoCertificate = {
        index: certificates.length,
        organisation,
        body: bodiesFor.get(schemeCode)!.pick(random),
        scheme,
        sites: sitesFor(random, schemeCode, organisation),
        number: '',
        ...history,
      };
      certificates.push(certificate);
      held.push(certificate);
    }
    const firstIssue = Math.min(...held.map((certificate) => certificate.firstIssuedOn));
    const holderChanges = held.flatMap((certificate) =>
      certificate.events.filter((event) => event.kind === 'holder_changed').map((event) => event.occurredAt),
    );
    organisation.updatedAt = Math.max(officeInstant(random, workingDayOnOrBefore(firstIssue - random.int(20, 120))), ...holderChanges);
  }

  // Numbers follow issue order inside each body, scheme and year, as a body's register would.
  certificates.sort((a, b) => a.firstIssuedOn - b.firstIssuedOn || a.index - b.index);
  const serials = new Map<string, number>();
  const keys = new Set<string>();
  certificates.forEach((certificate, position) => {
    certificate.index = position;
    const year = dateOf(certificate.firstIssuedOn).slice(2, 4);
    const prefix = `${certificate.body.code}-${certificate.scheme.abbreviation}-${year}`;
    const serial = (serials.get(prefix) ?? random.int(0, 300)) + random.int(1, 4);
    serials.set(prefix, serial);
    certificate.number = `${prefix}-${String(serial).padStart(6, '0')}`;
    const key = certificateNumberKey(certificate.number);
    if (keys.has(key)) throw new Error(`Two demo certificates share the number key ${key}`);
    keys.add(key);
  });
  return certificates;
}

interface DemoNotice {
  kind: NoticeKind;
  organisation: DemoOrganisation;
  scheme: SchemeSpec;
  body: BodySpec;
  proposedLevelCode: string;
  scope: string;
  evaluationSummary: string;
  windowStart: number;
  windowEnd: number;
  publishedAt: number;
  status: 'published' | 'withdrawn';
  decision: 'pending' | 'certified' | 'refused';
  decidedAt: number | null;
  certificate: DemoCertificate | null;
  updatedAt: number;
  reference: string;
}

interface NoticeWindow {
  start: number;
  end: number;
  lastDay: Day;
}

/** Counted in working days from the day after publication; it opens at 00:00 or at 09:00 Beijing time. */
function noticeWindow(publishedOn: Day, length: number, opensAtNine: boolean): NoticeWindow {
  const firstDay = publishedOn + 1;
  let day = firstDay;
  let counted = 0;
  for (;;) {
    if (isWorkingDay(day) && ++counted === length) break;
    day++;
  }
  return {
    start: beijingInstant(firstDay, opensAtNine ? OPENING_MINUTE : 0),
    end: opensAtNine ? beijingInstant(day, CLOSING_MINUTE) : beijingInstant(day + 1, 0),
    lastDay: day,
  };
}

const NOTICE_KIND_FOR_EVENT: Partial<Record<CertificateEventKind, NoticeKind>> = {
  issued: 'initial',
  surveillance_passed: 'surveillance',
  recertified: 'recertification',
  level_changed: 'level_change',
  scope_changed: 'scope_change',
};

const EVALUATION_NAMES: Record<NoticeKind, string> = {
  initial: '初始现场评价',
  surveillance: '监督审核',
  recertification: '再认证现场评价',
  level_change: '等级评价',
  scope_change: '认证范围变更评价',
};

function evaluationSummary(random: Random, kind: NoticeKind, scheme: SchemeSpec, levelCode: string, publishedOn: Day): string {
  const lastDay = workingDayOnOrBefore(publishedOn - random.int(5, 25));
  const firstDay = workingDayOnOrBefore(lastDay - random.int(0, 2));
  const when = firstDay === lastDay ? chineseDate(lastDay) : `${chineseDate(firstDay)}至${chineseDateAfter(firstDay, lastDay)}`;
  const level = levelOf(scheme, levelCode);
  const sample = random.int(30, 260);
  const rate = (random.int(880, 995) / 10).toFixed(1);
  const coverage: Record<SchemeCode, [string, string]> = {
    'after-sales': ['覆盖售后服务体系、服务过程和服务绩效三个方面', `抽查服务工单${random.int(40, 300)}份，顾客满意度调查有效样本${sample}份。`],
    restaurant: ['现场观察了午市和晚市的就餐环境、菜品质量、桌边服务和食品安全管理', `抽查门店${random.int(1, 6)}家，顾客满意度调查有效样本${sample}份，满意率${rate}%。`],
    property: ['核查了客户服务、房屋及设施设备维护、秩序维护和环境管理', `共抽查在管项目${random.int(2, 12)}个，业主满意度调查有效样本${sample}份，满意率${rate}%。`],
    wholesale: ['核查了采购、仓储、配送和客户服务过程', `抽查订单${random.int(50, 400)}份，订单准时交付率${rate}%。`],
  };
  const [covered, detail] = coverage[scheme.code];
  const sentences = [`评价组于${when}对申请方进行了${EVALUATION_NAMES[kind]}，${covered}。`];
  if (random.chance(0.7)) sentences.push(detail);
  if (level.minScore !== null) {
    const next = scheme.levels.find((candidate) => candidate.rank === level.rank + 1)?.minScore ?? 100;
    const score = random.int(level.minScore * 2, next * 2 - 1) / 2;
    sentences.push(`现场评价得分${score}分，达到“${level.name}”等级要求。`);
  } else {
    sentences.push(`评价组综合评价结论为符合“${level.name}”等级要求。`);
  }
  if (random.chance(0.6)) {
    const findings = random.subset(FINDINGS[scheme.code], 1, 2);
    sentences.push(`发现${findings.length}项轻微不符合（${findings.join('、')}），申请方已完成整改并经评价组验证。`);
  }
  return sentences.join('');
}

function objectionContact(body: BodySpec): string {
  return (
    `对公示内容有异议的，请在公示期内以书面形式向${body.name}提出，并写明真实姓名和联系方式；匿名或逾期提交的异议不予受理。` +
    `地址：${body.address}（邮编${body.postcode}）；电子邮箱：${body.email}；电话：${body.phone}。`
  );
}

interface Candidate {
  certificate: DemoCertificate;
  event: DemoEvent;
  kind: NoticeKind;
  levelCode: string;
  scope: string;
}

/** Events of the last two years that a notice could have preceded, with the level and scope they left. */
function noticeCandidates(certificates: readonly DemoCertificate[], anchor: Day): Map<NoticeKind, Candidate[]> {
  const byKind = new Map<NoticeKind, Candidate[]>();
  for (const certificate of certificates) {
    let levelCode = '';
    let scope = '';
    for (const event of certificate.events) {
      levelCode = event.levelCode ?? levelCode;
      scope = event.scope ?? scope;
      const kind = NOTICE_KIND_FOR_EVENT[event.kind];
      if (!kind || event.day < anchor - 730) continue;
      const list = byKind.get(kind) ?? [];
      list.push({ certificate, event, kind, levelCode, scope });
      byKind.set(kind, list);
    }
  }
  return byKind;
}

const CERTIFIED_KIND_SHARES: readonly (readonly [NoticeKind, number])[] = [
  ['initial', 0.3],
  ['surveillance', 0.4],
  ['recertification', 0.15],
  ['level_change', 0.08],
  ['scope_change', 0.07],
];

const PENDING_KINDS: readonly (readonly [NoticeKind, number])[] = [
  ['initial', 40],
  ['surveillance', 35],
  ['recertification', 12],
  ['level_change', 7],
  ['scope_change', 6],
];

function buildNotices(
  random: Random,
  anchor: Day,
  count: number,
  certificates: readonly DemoCertificate[],
  organisations: OrganisationFactory,
): DemoNotice[] {
  const anchorStart = beijingInstant(anchor, 0);
  const nextDayStart = beijingInstant(anchor + 1, 0);
  const upcomingCount = Math.min(count, Math.max(count >= 20 ? 3 : 0, Math.round(count * 0.1)));
  const openCount = Math.min(count - upcomingCount, Math.max(count >= 20 ? 5 : 0, Math.round(count * 0.2)));
  const closedCount = count - upcomingCount - openCount;
  const withdrawnCount = closedCount >= 20 ? Math.max(1, Math.round(closedCount * 0.03)) : 0;
  const pendingClosedCount = Math.round(closedCount * 0.05);
  let refusedCount = Math.round(closedCount * 0.1);
  const certifiedWanted = closedCount - withdrawnCount - pendingClosedCount - refusedCount;

  const notices: DemoNotice[] = [];
  const live = certificates.filter((certificate) => certificate.status === 'valid' && certificate.expiresOn >= anchor + 30);
  const busy = new Set<DemoCertificate>();

  const base = (
    kind: NoticeKind,
    organisation: DemoOrganisation,
    scheme: SchemeSpec,
    body: BodySpec,
    levelCode: string,
    scope: string,
    publishedOn: Day,
    publishedAt: number,
    window: NoticeWindow,
  ): DemoNotice => ({
    kind,
    organisation,
    scheme,
    body,
    proposedLevelCode: levelCode,
    scope,
    evaluationSummary: evaluationSummary(random, kind, scheme, levelCode, publishedOn),
    windowStart: window.start,
    windowEnd: window.end,
    publishedAt,
    status: 'published',
    decision: 'pending',
    decidedAt: null,
    certificate: null,
    updatedAt: publishedAt,
    reference: '',
  });

  /** A pending application: a new applicant, or a holder whose certificate is up for a decision. */
  const application = (kindWanted: NoticeKind, publishedOn: Day, publishedAt: number, window: NoticeWindow): DemoNotice => {
    let kind = kindWanted;
    let holder: DemoCertificate | null = null;
    if (kind !== 'initial' && live.length > 0) {
      for (let attempt = 0; attempt < 20 && !holder; attempt++) {
        const candidate = random.pick(live);
        const dueForRenewal = candidate.expiresOn - anchor < 240;
        if (busy.has(candidate) || candidate.firstIssuedOn > publishedOn - 60) continue;
        if (kind === 'recertification' && !dueForRenewal && attempt < 15) continue;
        if (kind === 'level_change' && levelOf(candidate.scheme, candidate.levelCode).rank === candidate.scheme.levels.length) continue;
        holder = candidate;
      }
    }
    if (!holder) kind = 'initial';
    if (holder) {
      busy.add(holder);
      const { scheme, organisation, body } = holder;
      const currentRank = levelOf(scheme, holder.levelCode).rank;
      const levelCode =
        kind === 'level_change' ? scheme.levels.find((level) => level.rank === currentRank + 1)!.code : holder.levelCode;
      const scope = kind === 'scope_change' ? differentScope(random, scheme.code, organisation, holder.scope) : holder.scope;
      return base(kind, organisation, scheme, body, levelCode, scope, publishedOn, publishedAt, window);
    }
    const organisation = organisations.create(random);
    organisation.updatedAt = officeInstant(random, workingDayOnOrBefore(publishedOn - random.int(40, 200)));
    const scheme = schemeOf(random.chance(0.8) ? organisation.industry.schemes[0]! : random.pick(organisation.industry.schemes));
    const levelCode = levelsFor.get(scheme.code)!.pick(random).code;
    return base(
      'initial',
      organisation,
      scheme,
      bodiesFor.get(scheme.code)!.pick(random),
      levelCode,
      scopeFor(random, scheme.code, organisation),
      publishedOn,
      publishedAt,
      window,
    );
  };

  const pendingKind = () => weighted(random, PENDING_KINDS);
  const length = () => random.int(5, 10);

  for (let i = 0; i < openCount; i++) {
    let publishedOn = anchor - 1;
    let window = noticeWindow(publishedOn, 10, false);
    for (let attempt = 0; attempt < 30; attempt++) {
      const day = workingDayOnOrBefore(anchor - random.int(1, 12));
      const candidate = noticeWindow(day, length(), random.chance(0.5));
      // Open for every instant of the anchor day, so any `now` that day sees the same states.
      if (candidate.start <= anchorStart && candidate.end >= nextDayStart) {
        publishedOn = day;
        window = candidate;
        break;
      }
    }
    notices.push(application(pendingKind(), publishedOn, officeInstant(random, publishedOn), window));
  }

  for (let i = 0; i < upcomingCount; i++) {
    // Published at the first instant of the anchor day: never after `now`, and its window opens tomorrow.
    const window = noticeWindow(anchor, length(), random.chance(0.5));
    notices.push(application(pendingKind(), anchor, anchorStart, window));
  }

  const closedWindow = (earliest: number, latest: number): { publishedOn: Day; window: NoticeWindow } => {
    for (;;) {
      const publishedOn = workingDayOnOrBefore(anchor - random.int(earliest, latest));
      const window = noticeWindow(publishedOn, length(), random.chance(0.5));
      if (window.end <= anchorStart) return { publishedOn, window };
    }
  };

  for (let i = 0; i < pendingClosedCount; i++) {
    const { publishedOn, window } = closedWindow(16, 35);
    notices.push(application(pendingKind(), publishedOn, officeInstant(random, publishedOn), window));
  }

  for (let i = 0; i < withdrawnCount; i++) {
    const { publishedOn, window } = closedWindow(20, 700);
    const notice = application(pendingKind(), publishedOn, officeInstant(random, publishedOn), window);
    notice.status = 'withdrawn';
    notice.updatedAt = officeInstant(random, workingDayOnOrAfter(publishedOn + 1 + random.int(0, 3)));
    notices.push(notice);
  }

  const candidates = noticeCandidates(certificates, anchor);
  const chosen: Candidate[] = [];
  const leftovers: Candidate[] = [];
  for (const [kind, share] of CERTIFIED_KIND_SHARES) {
    const pool = random.shuffle(candidates.get(kind) ?? []);
    const wanted = Math.round(certifiedWanted * share);
    // Element by element: spreading a pool of hundreds of thousands overflows the call stack.
    for (const [position, candidate] of pool.entries()) (position < wanted ? chosen : leftovers).push(candidate);
  }
  random.shuffle(leftovers);
  while (chosen.length < certifiedWanted && leftovers.length > 0) chosen.push(leftovers.pop()!);
  // One notice per certificate and day: a surveillance and the level change it led to share a decision.
  const decisionDays = new Set<string>();
  const unique = chosen.filter((candidate) => {
    const key = `${candidate.certificate.index}:${candidate.event.day}`;
    if (decisionDays.has(key)) return false;
    decisionDays.add(key);
    return true;
  });
  chosen.length = 0;
  for (const candidate of unique.slice(0, certifiedWanted)) chosen.push(candidate);
  refusedCount += certifiedWanted - chosen.length;

  for (const candidate of chosen) {
    const { certificate, event } = candidate;
    const windowLength = length();
    const opensAtNine = random.chance(0.5);
    let publishedOn = workingDayOnOrBefore(event.day - random.int(2, 12) - Math.ceil(windowLength * 1.4));
    let window = noticeWindow(publishedOn, windowLength, opensAtNine);
    while (window.end >= event.occurredAt) {
      publishedOn = workingDayOnOrBefore(publishedOn - 1);
      window = noticeWindow(publishedOn, windowLength, opensAtNine);
    }
    const notice = base(
      candidate.kind,
      certificate.organisation,
      certificate.scheme,
      certificate.body,
      candidate.levelCode,
      candidate.scope,
      publishedOn,
      officeInstant(random, publishedOn),
      window,
    );
    notice.decision = 'certified';
    notice.decidedAt = event.occurredAt;
    notice.certificate = certificate;
    notice.updatedAt = event.occurredAt;
    notices.push(notice);
  }

  for (let i = 0; i < refusedCount; i++) {
    for (;;) {
      const { publishedOn, window } = closedWindow(25, 700);
      const decidedOn = workingDayOnOrAfter(window.lastDay + random.int(2, 15));
      if (decidedOn > anchor - 1) continue;
      const notice = application(random.chance(0.85) ? 'initial' : 'level_change', publishedOn, officeInstant(random, publishedOn), window);
      notice.decision = 'refused';
      notice.decidedAt = officeInstant(random, decidedOn);
      notice.updatedAt = notice.decidedAt;
      notices.push(notice);
      break;
    }
  }

  // References follow publication order inside each year, as a body's register would.
  notices.sort((a, b) => a.publishedAt - b.publishedAt);
  const serials = new Map<string, number>();
  for (const notice of notices) {
    const year = dateOf(Math.floor((notice.publishedAt + BEIJING_OFFSET_MS) / DAY_MS)).slice(0, 4);
    const serial = (serials.get(year) ?? random.int(0, 40)) + random.int(1, 3);
    serials.set(year, serial);
    notice.reference = `GS-${year}-${String(serial).padStart(6, '0')}`;
  }
  return notices;
}

/** Below SQLite's 32,766 bound variables per statement for every table here. */
const ROWS_PER_INSERT = 500;

async function insertInChunks<Row>(rows: readonly Row[], insert: (chunk: Row[]) => Promise<unknown>): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) await insert(rows.slice(i, i + ROWS_PER_INSERT));
}

async function lastId(db: PortalDb, table: string): Promise<number> {
  const { rows } = await sql<{ last: number | null }>`select max(id) as last from ${sql.table(table)}`.execute(db);
  return rows[0]?.last ?? 0;
}

function assertWholeNumber(name: string, value: number, minimum: number): void {
  if (!Number.isSafeInteger(value) || value < minimum) {
    throw new RangeError(`${name} must be a whole number of at least ${minimum}, not ${value}`);
  }
}

/**
 * Fills the registry and the notices with invented but plausible data, in one transaction.
 * Dates are anchored on the Beijing day of `now`: no event or publication is later than
 * the start of that day, and each notice is open, upcoming or closed for the whole day.
 */
export async function seedDemoData(db: PortalDb, options: DemoDataOptions): Promise<DemoDataCounts> {
  assertWholeNumber('certificates', options.certificates, 0);
  assertWholeNumber('notices', options.notices, 0);
  assertWholeNumber('seed', options.seed, 0);
  if (Number.isNaN(options.now.getTime())) throw new RangeError('now must be a valid date');

  const anchor = toDay(beijingDate(options.now));
  const organisations = new OrganisationFactory();
  // Separate streams: the registry stays the same whatever the number of notices.
  const certificates = buildRegistry(new Random(options.seed), anchor, options.certificates, organisations);
  const notices = buildNotices(new Random(options.seed ^ 0x5bd1e995), anchor, options.notices, certificates, organisations);
  const catalogueUpdatedAt = isoOf(beijingInstant(workingDayOnOrBefore(anchor - 400), 10 * 60));

  return db.transaction().execute(async (trx) => {
    const bodyBase = await lastId(trx, 'certification_body');
    const schemeBase = await lastId(trx, 'scheme');
    const levelBase = await lastId(trx, 'scheme_level');
    const organisationBase = await lastId(trx, 'organisation');
    const certificateBase = await lastId(trx, 'certificate');
    const eventBase = await lastId(trx, 'certificate_event');
    const noticeBase = await lastId(trx, 'notice');

    const bodyId = new Map(BODIES.map((body, i) => [body, bodyBase + 1 + i]));
    const schemeId = new Map(SCHEMES.map((scheme, i) => [scheme, schemeBase + 1 + i]));

    const bodyRows: Insertable<CertificationBodyTable>[] = BODIES.map((body) => ({
      id: bodyId.get(body)!,
      code: body.code,
      name: body.name,
      approvalNumber: body.approvalNumber,
      website: body.website,
      phone: body.phone,
      address: body.address,
      updatedAt: catalogueUpdatedAt,
    }));
    const schemeRows: Insertable<SchemeTable>[] = SCHEMES.map((scheme) => ({
      id: schemeId.get(scheme)!,
      code: scheme.code,
      name: scheme.name,
      nameEn: scheme.nameEn,
      basis: scheme.basis,
      description: scheme.description,
      updatedAt: catalogueUpdatedAt,
    }));
    const levelRows: Insertable<SchemeLevelTable>[] = SCHEMES.flatMap((scheme) =>
      scheme.levels.map((level) => ({
        schemeId: schemeId.get(scheme)!,
        code: level.code,
        name: level.name,
        minScore: level.minScore,
        rank: level.rank,
      })),
    ).map((row, i) => ({ id: levelBase + 1 + i, ...row }));

    const organisationRows: Insertable<OrganisationTable>[] = organisations.organisations.map((organisation) => ({
      id: organisationBase + 1 + organisation.index,
      uscc: organisation.uscc,
      name: organisation.name,
      nameSearch: toSearchForm(organisation.name),
      province: organisation.city.province,
      city: organisation.city.city,
      address: organisation.address,
      updatedAt: isoOf(organisation.updatedAt),
    }));

    const certificateRows: Insertable<CertificateTable>[] = [];
    const eventRows: Insertable<CertificateEventTable>[] = [];
    for (const certificate of certificates) {
      const id = certificateBase + 1 + certificate.index;
      const lastEvent = certificate.events[certificate.events.length - 1]!;
      certificateRows.push({
        id,
        number: certificate.number,
        numberKey: certificateNumberKey(certificate.number),
        organisationId: organisationBase + 1 + certificate.organisation.index,
        bodyId: bodyId.get(certificate.body)!,
        schemeId: schemeId.get(certificate.scheme)!,
        levelCode: certificate.levelCode,
        scope: certificate.scope,
        sites: certificate.sites,
        firstIssuedOn: dateOf(certificate.firstIssuedOn),
        issuedOn: dateOf(certificate.issuedOn),
        expiresOn: dateOf(certificate.expiresOn),
        status: certificate.status,
        updatedAt: isoOf(lastEvent.occurredAt),
      });
      for (const event of certificate.events) {
        eventRows.push({
          id: eventBase + 1 + eventRows.length,
          certificateId: id,
          kind: event.kind,
          occurredAt: isoOf(event.occurredAt),
          description: event.description,
          levelCode: event.levelCode,
          expiresOn: event.expiresOn === null ? null : dateOf(event.expiresOn),
          scope: event.scope,
        });
      }
    }

    const noticeRows: Insertable<NoticeTable>[] = notices.map((notice, i) => ({
      id: noticeBase + 1 + i,
      reference: notice.reference,
      kind: notice.kind,
      organisationId: organisationBase + 1 + notice.organisation.index,
      schemeId: schemeId.get(notice.scheme)!,
      bodyId: bodyId.get(notice.body)!,
      proposedLevelCode: notice.proposedLevelCode,
      scope: notice.scope,
      applicantAddress: notice.organisation.address,
      evaluationSummary: notice.evaluationSummary,
      windowStart: isoOf(notice.windowStart),
      windowEnd: isoOf(notice.windowEnd),
      publishedAt: isoOf(notice.publishedAt),
      status: notice.status,
      decision: notice.decision,
      decidedAt: notice.decidedAt === null ? null : isoOf(notice.decidedAt),
      certificateId: notice.certificate ? certificateBase + 1 + notice.certificate.index : null,
      objectionContact: objectionContact(notice.body),
      updatedAt: isoOf(notice.updatedAt),
    }));

    await insertInChunks(bodyRows, (chunk) => trx.insertInto('certificationBody').values(chunk).execute());
    await insertInChunks(schemeRows, (chunk) => trx.insertInto('scheme').values(chunk).execute());
    await insertInChunks(levelRows, (chunk) => trx.insertInto('schemeLevel').values(chunk).execute());
    await insertInChunks(organisationRows, (chunk) => trx.insertInto('organisation').values(chunk).execute());
    await insertInChunks(certificateRows, (chunk) => trx.insertInto('certificate').values(chunk).execute());
    await insertInChunks(eventRows, (chunk) => trx.insertInto('certificateEvent').values(chunk).execute());
    await insertInChunks(noticeRows, (chunk) => trx.insertInto('notice').values(chunk).execute());
    await generatedIdsCaughtUp(trx, ['certificationBody', 'scheme', 'schemeLevel', 'organisation', 'certificate', 'certificateEvent', 'notice']);

    return {
      bodies: bodyRows.length,
      schemes: schemeRows.length,
      organisations: organisationRows.length,
      certificates: certificateRows.length,
      events: eventRows.length,
      notices: noticeRows.length,
    };
  });
}
