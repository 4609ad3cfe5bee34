/**
 * The registry of the demo data: organisations, their certificates and each certificate's
 * history. Holders are made one at a time, so a million certificates never sit in memory.
 */
import type { CertificateEventKind, StoredCertificateStatus } from '../../src/lib/db/registry.table.ts';
import { USCC_ALPHABET, usccCheckCharacter } from '../../src/lib/ground/organisations/uscc.ts';
import {
  chineseDate,
  dateOf,
  lastValidDay,
  MINUTE_MS,
  officeInstant,
  plusYears,
  workingDayOnOrAfter,
  workingDayOnOrBefore,
  type Day,
} from './calendar.ts';
import { bodiesFor, changedLevel, levelOf, levelsFor, schemeOf, type BodySpec, type SchemeSpec } from './catalogue.ts';
import {
  AFTER_SALES_SERVICES,
  BUILDING_NAMES,
  CANCELLATION_REASONS,
  CITIES,
  CUISINES,
  ESTATE_NAMES,
  ESTATE_SUFFIXES,
  FAMOUS_TRADE_NAMES,
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
import { Random, WeightedTable, weighted } from './random.ts';

export interface DemoOrganisation {
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

const TRADE_NAME_LENGTHS = [
  [2, 70],
  [3, 22],
  [4, 8],
] as const;

function tradeName(random: Random, industry: Industry): string {
  if (industry.restaurantTrade && random.chance(0.3)) return random.pick(RESTAURANT_TRADE_WORDS);
  if (random.chance(0.12)) return random.pick(TRADE_WORDS);
  const length = weighted(random, TRADE_NAME_LENGTHS);
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

/**
 * Strings seen, remembered by a 30-bit hash (FNV-1a) rather than whole: a few bytes each for
 * the national data set's 700,000 names. A collision only makes a new string be invented
 * again; a string seen before is always recognised.
 */
class SeenStrings {
  private readonly hashes = new Set<number>();

  /** False if `text` (or one sharing its hash) was seen; otherwise remembers it. */
  addIfNew(text: string): boolean {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    const key = hash >>> 2;
    if (this.hashes.has(key)) return false;
    this.hashes.add(key);
    return true;
  }
}

function newUscc(random: Random, divisionCode: string, taken: SeenStrings): string {
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
    if (taken.addIfNew(uscc)) return uscc;
  }
}

/**
 * Invents organisations with names and USCCs not used before; it remembers those, never the
 * organisations themselves, which the caller writes and forgets.
 */
export class OrganisationFactory {
  /** How many it has made: the next one's index. */
  count = 0;
  private readonly usccs = new SeenStrings();
  private readonly names = new SeenStrings();

  create(random: Random, industry: Industry = INDUSTRY_TABLE.pick(random)): DemoOrganisation {
    const city = CITY_TABLE.pick(random);
    const district = city.districts.length > 0 ? random.pick(city.districts) : null;
    let name = '';
    for (let attempt = 0; ; attempt++) {
      name = organisationName(random, city, district, industry);
      if (this.names.addIfNew(name)) break;
      if (attempt > 100) throw new Error('Could not invent a new organisation name');
    }
    const divisionCode = district && random.chance(0.75) ? district.code : city.code;
    const organisation: DemoOrganisation = {
      index: this.count++,
      uscc: newUscc(random, divisionCode, this.usccs),
      name,
      city,
      district,
      industry,
      cuisine: random.pick(CUISINES),
      address: addressIn(random, city, district),
      updatedAt: 0,
    };
    return organisation;
  }
}

export function scopeFor(random: Random, scheme: SchemeCode, organisation: DemoOrganisation): string {
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

export function differentScope(random: Random, scheme: SchemeCode, organisation: DemoOrganisation, current: string): string {
  for (let attempt = 0; attempt < 10; attempt++) {
    const scope = scopeFor(random, scheme, organisation);
    if (scope !== current) return scope;
  }
  return `${current}；新增服务网点`;
}

const SITE_COUNTS = [
  [1, 6],
  [2, 3],
  [3, 1],
] as const;

function sitesFor(random: Random, scheme: SchemeCode, organisation: DemoOrganisation): string {
  const { city } = organisation;
  const elsewhere = () => addressIn(random, city, city.districts.length > 0 ? random.pick(city.districts) : null);
  const count = weighted(random, SITE_COUNTS);
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

/** An event of a certificate's history as the registry pass needs it: when, what, and the level it set. */
export interface EventShape {
  day: Day;
  kind: CertificateEventKind;
  levelCode: string | null;
  expiresOn: Day | null;
  occurredAt: number;
  /** The level before a level change. */
  previousLevelCode?: string;
  /** Which yearly surveillance of its cycle (1 or 2). */
  surveillance?: number;
}

/** A certificate without its wording: what numbering and the notices need, cheap to make a million times. */
export interface CertificateShape {
  /** The order it was made in: its id, less one, after what the database held. */
  ordinal: number;
  body: BodySpec;
  scheme: SchemeSpec;
  levelCode: string;
  firstIssuedOn: Day;
  issuedOn: Day;
  expiresOn: Day;
  status: StoredCertificateStatus;
  events: EventShape[];
}

export interface DemoEvent extends EventShape {
  description: string;
  /** The scope the event set, for issue, re-certification and scope changes. */
  scope: string | null;
}

export interface DemoCertificate extends CertificateShape {
  organisation: DemoOrganisation;
  scope: string;
  sites: string;
  events: DemoEvent[];
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

/** How many times a certificate was re-certified before its current cycle. */
const RECERTIFICATIONS = [
  [0, 50],
  [1, 32],
  [2, 18],
] as const;

/** Changes a cycle may see, and how likely each is. */
const CHANGES_IN_CYCLE = [
  ['scope_changed', 0.1],
  ['holder_changed', 0.06],
] as const;

/** A day on which a change may happen within the cycle: after its start, before its end, not while it is suspended. */
function withinCycle(day: Day, cycleStart: Day, cycleEnd: Day, quiet: readonly [Day, Day] | null): boolean {
  return day > cycleStart && day <= cycleEnd && !(quiet !== null && day >= quiet[0] && day <= quiet[1]);
}

/** The history of a certificate of `scheme` that meets `fate`: its cycles, surveillances, changes, suspensions and end. */
function historyShape(random: Random, anchor: Day, scheme: SchemeSpec, fate: Fate): Omit<CertificateShape, 'ordinal' | 'body' | 'scheme'> {
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
  const recertifications = weighted(random, RECERTIFICATIONS);
  for (let i = 0; i < recertifications; i++) {
    const previousExpiry = cycleStarts[0]! + random.int(10, 90);
    const previousStart = workingDayOnOrBefore(plusYears(previousExpiry + 1, -3));
    if (previousStart < anchor - 12 * 365) break;
    cycleStarts.unshift(previousStart);
  }

  // Nothing but the closing events happens from the day the certificate was suspended for good or ended.
  const stopDay = suspendedOn ?? ending?.day ?? anchor;
  const events: Omit<EventShape, 'occurredAt'>[] = [];
  const plain = (day: Day, kind: CertificateEventKind) => ({ day, kind, levelCode: null, expiresOn: null });
  let level = levelsFor.get(scheme.code)!.pick(random).code;

  for (let cycle = 0; cycle < cycleStarts.length; cycle++) {
    const cycleStart = cycleStarts[cycle]!;
    const expiry = lastValidDay(cycleStart);
    if (cycle > 0 && random.chance(0.25)) level = changedLevel(random, scheme, level);
    events.push({ day: cycleStart, kind: cycle === 0 ? 'issued' : 'recertified', levelCode: level, expiresOn: expiry });

    const cycleEnd = Math.min((cycleStarts[cycle + 1] ?? Infinity) - 1, expiry, stopDay - 1);
    let quiet: [Day, Day] | null = null;
    if (random.chance(0.08) && cycleEnd - cycleStart > 150) {
      const suspended = workingDayOnOrBefore(random.int(cycleStart + 40, cycleEnd - 100));
      const restored = workingDayOnOrAfter(suspended + random.int(14, 90));
      if (restored <= cycleEnd) quiet = [suspended, restored];
    }

    const changes: Omit<EventShape, 'occurredAt'>[] = [];
    for (let year = 1; year <= 2; year++) {
      const day = workingDayOnOrBefore(plusYears(cycleStart, year) - random.int(0, 45));
      if (withinCycle(day, cycleStart, cycleEnd, quiet)) changes.push({ ...plain(day, 'surveillance_passed'), surveillance: year });
    }
    for (const [kind, probability] of CHANGES_IN_CYCLE) {
      if (!random.chance(probability)) continue;
      const day = workingDayOnOrBefore(random.int(cycleStart + 30, cycleStart + 1000));
      if (withinCycle(day, cycleStart, cycleEnd, quiet)) changes.push(plain(day, kind));
    }
    if (quiet) changes.push(plain(quiet[0], 'suspended'), plain(quiet[1], 'restored'));
    // In time order, so that each level change starts from the level then in force.
    changes.sort((a, b) => a.day - b.day);
    for (const change of changes) {
      events.push(change);
      if (change.kind === 'surveillance_passed' && random.chance(0.12)) {
        const previousLevelCode = level;
        level = changedLevel(random, scheme, level);
        events.push({ ...plain(change.day, 'level_changed'), levelCode: level, previousLevelCode });
      }
    }
  }

  if (suspendedOn !== null) events.push(plain(suspendedOn, 'suspended'));
  if (ending) events.push(plain(ending.day, ending.kind));

  events.sort((a, b) => a.day - b.day);
  let previous = -Infinity;
  const timed = events as EventShape[];
  for (const event of timed) {
    let occurredAt = officeInstant(random, event.day);
    // Same-day events keep their logical order (surveillance, then the level it led to).
    if (occurredAt <= previous) occurredAt = previous + random.int(10, 50) * MINUTE_MS;
    previous = event.occurredAt = occurredAt;
  }

  const issuedOn = cycleStarts[cycleStarts.length - 1]!;
  return { levelCode: level, firstIssuedOn: cycleStarts[0]!, issuedOn, expiresOn: lastValidDay(issuedOn), status, events: timed };
}

const REASONS = {
  suspended: SUSPENSION_REASONS,
  withdrawn: WITHDRAWAL_REASONS,
  cancelled: CANCELLATION_REASONS,
  holder_changed: HOLDER_CHANGES,
} as const;

/** The event's wording, and the scope in force after it. */
function wordEvent(
  random: Random,
  event: EventShape,
  scheme: SchemeSpec,
  organisation: DemoOrganisation,
  scope: string,
): { description: string; scope: string } {
  const levelName = (code: string) => levelOf(scheme, code).name;
  switch (event.kind) {
    case 'issued':
      return { scope, description: `经文件评价和初始现场评价，认证决定批准颁发${scheme.name}证书，认证等级：${levelName(event.levelCode!)}。` };
    case 'recertified': {
      const renewed = random.chance(0.15) ? differentScope(random, scheme.code, organisation, scope) : scope;
      return {
        scope: renewed,
        description: `再认证评价通过，换发证书，认证等级：${levelName(event.levelCode!)}，有效期至${chineseDate(event.expiresOn!)}。`,
      };
    }
    case 'surveillance_passed':
      return { scope, description: `第${ORDINALS[event.surveillance! - 1]}次年度监督审核通过，认证证书保持有效。` };
    case 'level_changed':
      return { scope, description: `经监督审核评价，认证等级由${levelName(event.previousLevelCode!)}调整为${levelName(event.levelCode!)}。` };
    case 'scope_changed': {
      const changed = differentScope(random, scheme.code, organisation, scope);
      return { scope: changed, description: `经审核，认证范围变更为：${changed}。` };
    }
    case 'restored':
      return { scope, description: '暂停原因已消除，经验证恢复认证证书。' };
    default:
      return { scope, description: random.pick(REASONS[event.kind]) };
  }
}

/** Events that state the scope in force: issue, re-certification and scope changes. */
const STATES_SCOPE = new Set<CertificateEventKind>(['issued', 'recertified', 'scope_changed']);

/**
 * The body's words for each event, the scope each issue and change set, and the sites. The
 * shape is made afresh for each pass, so it is worded in place rather than copied.
 */
function wordCertificate(random: Random, shape: CertificateShape, organisation: DemoOrganisation): DemoCertificate {
  const { scheme } = shape;
  let scope = scopeFor(random, scheme.code, organisation);
  for (const event of shape.events as DemoEvent[]) {
    const worded = wordEvent(random, event, scheme, organisation, scope);
    scope = worded.scope;
    event.description = worded.description;
    event.scope = STATES_SCOPE.has(event.kind) ? scope : null;
  }
  const certificate = shape as DemoCertificate;
  certificate.organisation = organisation;
  certificate.scope = scope;
  certificate.sites = sitesFor(random, scheme.code, organisation);
  return certificate;
}

const HOLDINGS = [
  [1, 40],
  [2, 40],
  [3, 20],
] as const;

/** How many certificates one holder has: spread over distinct schemes its line of business allows. */
function certificatesForHolder(random: Random, industry: Industry, remaining: number): number {
  return Math.min(weighted(random, HOLDINGS), industry.schemes.length, remaining);
}

export interface DemoHolder {
  organisation: DemoOrganisation;
  certificates: DemoCertificate[];
}

/** Separate streams: a holder's wording (names, addresses, scopes, reasons) draws nothing from its shape's. */
const WORDING_STREAM = 0x68e31da4;

/**
 * The registry's certificates, holder by holder. Without an organisation factory it yields
 * each holder's certificates as shapes only (cheap: the first pass, for numbering and
 * notices); with one it yields the same holders again, worded, with their organisations
 * (the second pass, to write). Both passes give the same shapes from the same arguments.
 */
export function registryHolders(seed: number, anchor: Day, certificateCount: number): Generator<CertificateShape[], void, undefined>;
export function registryHolders(
  seed: number,
  anchor: Day,
  certificateCount: number,
  organisations: OrganisationFactory,
): Generator<DemoHolder, void, undefined>;
export function* registryHolders(
  seed: number,
  anchor: Day,
  certificateCount: number,
  organisations?: OrganisationFactory,
): Generator<CertificateShape[] | DemoHolder, void, undefined> {
  const random = new Random(seed);
  const wording = new Random(seed ^ WORDING_STREAM);
  const fates = fateQuota(random, certificateCount);
  let made = 0;
  while (made < certificateCount) {
    const industry = INDUSTRY_TABLE.pick(random);
    const count = certificatesForHolder(random, industry, certificateCount - made);
    const schemes = [industry.schemes[0]!, ...random.subset(industry.schemes.slice(1), count - 1, count - 1)];
    const shapes = schemes.map((schemeCode): CertificateShape => {
      const scheme = schemeOf(schemeCode);
      const fate = fates[made]!;
      return { ordinal: made++, body: bodiesFor.get(schemeCode)!.pick(random), scheme, ...historyShape(random, anchor, scheme, fate) };
    });
    if (!organisations) {
      yield shapes;
      continue;
    }
    const organisation = organisations.create(wording, industry);
    const certificates = shapes.map((shape) => wordCertificate(wording, shape, organisation));
    const firstIssue = Math.min(...shapes.map((shape) => shape.firstIssuedOn));
    const holderChanges = shapes.flatMap((shape) => shape.events.filter((event) => event.kind === 'holder_changed').map((event) => event.occurredAt));
    organisation.updatedAt = Math.max(officeInstant(wording, workingDayOnOrBefore(firstIssue - wording.int(20, 120))), ...holderChanges);
    yield { organisation, certificates };
  }
}

/**
 * Certificate numbers follow issue order inside each body, scheme and year, as a body's
 * register would: every certificate is noted (first pass), then the serials are dealt out.
 */
export class CertificateNumbers {
  private readonly prefixes: string[] = [];
  private readonly prefixIds = new Map<string, number>();
  private readonly prefixOf: Uint16Array;
  private readonly firstIssuedOn: Int32Array;
  private readonly serials: Int32Array;

  constructor(private readonly count: number) {
    this.prefixOf = new Uint16Array(count);
    this.firstIssuedOn = new Int32Array(count);
    this.serials = new Int32Array(count);
  }

  note(certificate: CertificateShape): void {
    const prefix = `${certificate.body.code}-${certificate.scheme.abbreviation}-${dateOf(certificate.firstIssuedOn).slice(2, 4)}`;
    let id = this.prefixIds.get(prefix);
    if (id === undefined) {
      id = this.prefixes.push(prefix) - 1;
      this.prefixIds.set(prefix, id);
    }
    this.prefixOf[certificate.ordinal] = id;
    this.firstIssuedOn[certificate.ordinal] = certificate.firstIssuedOn;
  }

  assign(random: Random): void {
    const order = Int32Array.from({ length: this.count }, (_, ordinal) => ordinal);
    order.sort((a, b) => this.firstIssuedOn[a]! - this.firstIssuedOn[b]! || a - b);
    const last = new Int32Array(this.prefixes.length).fill(-1);
    for (const ordinal of order) {
      const prefix = this.prefixOf[ordinal]!;
      const serial = (last[prefix] === -1 ? random.int(0, 300) : last[prefix]!) + random.int(1, 4);
      last[prefix] = serial;
      this.serials[ordinal] = serial;
    }
  }

  /** Serials rise inside a prefix and prefixes differ in letters or year, so numbers (and their keys) never repeat. */
  numberOf(certificate: CertificateShape): string {
    const serial = this.serials[certificate.ordinal]!;
    if (serial === 0) throw new Error('certificate numbers are assigned after every certificate was noted');
    return `${this.prefixes[this.prefixOf[certificate.ordinal]!]}-${String(serial).padStart(6, '0')}`;
  }
}
