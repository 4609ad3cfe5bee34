/**
 * The public notices of the demo data, in two steps: a plan made from what the registry pass
 * remembered (which certificate or new applicant, kind, window, decision, publication order),
 * then each notice's wording, made when the seeder writes its certificate again.
 */
import { NOTICE_KINDS, type NoticeKind } from '../../src/lib/db/notice.table.ts';
import type { CertificateEventKind } from '../../src/lib/db/registry.table.ts';
import {
  beijingDayOf,
  beijingInstant,
  chineseDate,
  chineseDateAfter,
  dateOf,
  MINUTE_MS,
  noticeWindow,
  officeInstant,
  workingDayOnOrAfter,
  workingDayOnOrBefore,
  type Day,
  type NoticeWindow,
} from './calendar.ts';
import { bodiesFor, levelOf, levelsFor, schemeOf, type BodySpec, type SchemeSpec } from './catalogue.ts';
import { FINDINGS, type SchemeCode } from './names.ts';
import { IntList, type Random, weighted } from './random.ts';
import { differentScope, scopeFor, type CertificateShape, type DemoCertificate, type DemoOrganisation } from './registry.ts';

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
    restaurant: [
      '现场观察了午市和晚市的就餐环境、菜品质量、桌边服务和食品安全管理',
      `抽查门店${random.int(1, 6)}家，顾客满意度调查有效样本${sample}份，满意率${rate}%。`,
    ],
    property: [
      '核查了客户服务、房屋及设施设备维护、秩序维护和环境管理',
      `共抽查在管项目${random.int(2, 12)}个，业主满意度调查有效样本${sample}份，满意率${rate}%。`,
    ],
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

export function objectionContact(body: BodySpec): string {
  return (
    `对公示内容有异议的，请在公示期内以书面形式向${body.name}提出，并写明真实姓名和联系方式；匿名或逾期提交的异议不予受理。` +
    `地址：${body.address}（邮编${body.postcode}）；电子邮箱：${body.email}；电话：${body.phone}。`
  );
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

/** Candidates go back this far: a notice could have preceded any decision of the last two years. */
const CANDIDATE_DAYS = 730;

/**
 * What the registry pass remembers of every certificate a notice could be about, in typed
 * arrays: the live certificates a pending application may come from, and the decisions of
 * the last two years that a certified notice may have preceded.
 */
export class NoticeSources {
  readonly live = new IntList();
  readonly firstIssuedOn: Int32Array;
  readonly expiresOn: Int32Array;
  /** 1 when the certificate's level is its scheme's highest: no level change can be asked for. */
  readonly atTopLevel: Uint8Array;
  readonly candidates = {
    certificate: new IntList(),
    event: new IntList(),
    /** The notice kind it calls for, as its index in NOTICE_KINDS. */
    kind: new IntList(),
    day: new IntList(),
    /** Whole minutes since 1970: every demo instant falls on a minute. */
    minute: new IntList(),
  };
  readonly candidatesByKind = new Map<NoticeKind, IntList>();

  constructor(
    readonly certificateCount: number,
    private readonly anchor: Day,
  ) {
    this.firstIssuedOn = new Int32Array(certificateCount);
    this.expiresOn = new Int32Array(certificateCount);
    this.atTopLevel = new Uint8Array(certificateCount);
  }

  note(certificate: CertificateShape): void {
    const { ordinal } = certificate;
    this.firstIssuedOn[ordinal] = certificate.firstIssuedOn;
    this.expiresOn[ordinal] = certificate.expiresOn;
    this.atTopLevel[ordinal] = levelOf(certificate.scheme, certificate.levelCode).rank === certificate.scheme.levels.length ? 1 : 0;
    if (certificate.status === 'valid' && certificate.expiresOn >= this.anchor + 30) this.live.push(ordinal);
    certificate.events.forEach((event, index) => {
      const kind = NOTICE_KIND_FOR_EVENT[event.kind];
      if (!kind || event.day < this.anchor - CANDIDATE_DAYS) return;
      const id = this.candidates.certificate.length;
      this.candidates.certificate.push(ordinal);
      this.candidates.event.push(index);
      this.candidates.kind.push(NOTICE_KINDS.indexOf(kind));
      this.candidates.day.push(event.day);
      this.candidates.minute.push(event.occurredAt / MINUTE_MS);
      let ofKind = this.candidatesByKind.get(kind);
      if (!ofKind) {
        ofKind = new IntList();
        this.candidatesByKind.set(kind, ofKind);
      }
      ofKind.push(id);
    });
  }
}

/**
 * Whom a notice is about: a registered certificate (and for a certified notice, the event it
 * led to), or the `applicant`th new applicant, invented once the registry's names are known.
 */
export type NoticeSubject = { certificate: number; decidedBy: number | null } | { applicant: number; updatedAt: number };

/** A notice as planned: everything but its wording. */
export interface PlannedNotice {
  kind: NoticeKind;
  subject: NoticeSubject;
  publishedOn: Day;
  publishedAt: number;
  window: NoticeWindow;
  status: 'published' | 'withdrawn';
  decision: 'pending' | 'certified' | 'refused';
  decidedAt: number | null;
  updatedAt: number;
  /** Set once every notice is planned: publication order, and the register's reference. */
  position: number;
  reference: string;
}

/** n notices: `first` of the first thousand, `rest` of the others, since a large registry has its windows spread over years. */
const shareOf = (count: number, first: number, rest: number): number => Math.round(Math.min(count, 1000) * first + Math.max(0, count - 1000) * rest);

/**
 * The notices: open, upcoming, closed and pending, withdrawn, certified (each before a decision
 * in a certificate's history) and refused. Each is open, upcoming or closed for every instant
 * of the anchor day, and none is published after its start.
 */
export function planNotices(random: Random, anchor: Day, count: number, sources: NoticeSources): PlannedNotice[] {
  const anchorStart = beijingInstant(anchor, 0);
  const nextDayStart = beijingInstant(anchor + 1, 0);
  const upcomingCount = Math.min(count, Math.max(count >= 20 ? 3 : 0, shareOf(count, 0.1, 0.002)));
  const openCount = Math.min(count - upcomingCount, Math.max(count >= 20 ? 5 : 0, shareOf(count, 0.2, 0.02)));
  const closedCount = count - upcomingCount - openCount;
  const withdrawnCount = closedCount >= 20 ? Math.max(1, Math.round(closedCount * 0.03)) : 0;
  const pendingClosedCount = Math.round(closedCount * 0.05);
  let refusedCount = Math.round(closedCount * 0.1);
  const certifiedWanted = closedCount - withdrawnCount - pendingClosedCount - refusedCount;

  const notices: PlannedNotice[] = [];
  let applicants = 0;
  const live = sources.live.toArray();
  const busy = new Uint8Array(sources.certificateCount);

  const planned = (kind: NoticeKind, subject: NoticeSubject, publishedOn: Day, publishedAt: number, window: NoticeWindow): PlannedNotice => ({
    kind,
    subject,
    publishedOn,
    publishedAt,
    window,
    status: 'published',
    decision: 'pending',
    decidedAt: null,
    updatedAt: publishedAt,
    position: -1,
    reference: '',
  });

  /** A pending application: a new applicant, or a holder whose certificate is up for a decision. */
  const application = (kindWanted: NoticeKind, publishedOn: Day, publishedAt: number, window: NoticeWindow): PlannedNotice => {
    let holder = -1;
    if (kindWanted !== 'initial' && live.length > 0) {
      for (let attempt = 0; attempt < 20 && holder < 0; attempt++) {
        const candidate = live[Math.floor(random.next() * live.length)]!;
        const dueForRenewal = sources.expiresOn[candidate]! - anchor < 240;
        if (busy[candidate] || sources.firstIssuedOn[candidate]! > publishedOn - 60) continue;
        if (kindWanted === 'recertification' && !dueForRenewal && attempt < 15) continue;
        if (kindWanted === 'level_change' && sources.atTopLevel[candidate]) continue;
        holder = candidate;
      }
    }
    if (holder >= 0) {
      busy[holder] = 1;
      return planned(kindWanted, { certificate: holder, decidedBy: null }, publishedOn, publishedAt, window);
    }
    const updatedAt = officeInstant(random, workingDayOnOrBefore(publishedOn - random.int(40, 200)));
    return planned('initial', { applicant: applicants++, updatedAt }, publishedOn, publishedAt, window);
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

  const { candidates } = sources;
  const chosen: number[] = [];
  const leftovers: number[] = [];
  for (const [kind, share] of CERTIFIED_KIND_SHARES) {
    const pool = random.shuffle(sources.candidatesByKind.get(kind)?.toArray() ?? new Int32Array(0));
    const wanted = Math.round(certifiedWanted * share);
    for (let position = 0; position < pool.length; position++) (position < wanted ? chosen : leftovers).push(pool[position]!);
  }
  random.shuffle(leftovers);
  while (chosen.length < certifiedWanted && leftovers.length > 0) chosen.push(leftovers.pop()!);
  // One notice per certificate and day: a surveillance and the level change it led to share a decision.
  const decisionDays = new Set<string>();
  const unique = chosen.filter((candidate) => {
    const key = `${candidates.certificate.at(candidate)}:${candidates.day.at(candidate)}`;
    if (decisionDays.has(key)) return false;
    decisionDays.add(key);
    return true;
  });
  const certified = unique.slice(0, certifiedWanted);
  refusedCount += certifiedWanted - certified.length;

  for (const candidate of certified) {
    const day = candidates.day.at(candidate);
    const decidedAt = candidates.minute.at(candidate) * MINUTE_MS;
    const kind = NOTICE_KINDS[candidates.kind.at(candidate)]!;
    const windowLength = length();
    const opensAtNine = random.chance(0.5);
    let publishedOn = workingDayOnOrBefore(day - random.int(2, 12) - Math.ceil(windowLength * 1.4));
    let window = noticeWindow(publishedOn, windowLength, opensAtNine);
    while (window.end >= decidedAt) {
      publishedOn = workingDayOnOrBefore(publishedOn - 1);
      window = noticeWindow(publishedOn, windowLength, opensAtNine);
    }
    const subject = { certificate: candidates.certificate.at(candidate), decidedBy: candidates.event.at(candidate) };
    const notice = planned(kind, subject, publishedOn, officeInstant(random, publishedOn), window);
    notice.decision = 'certified';
    notice.decidedAt = decidedAt;
    notice.updatedAt = decidedAt;
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

  // Ids and references follow publication order (references inside each year), as a body's register would.
  notices.sort((a, b) => a.publishedAt - b.publishedAt);
  const serials = new Map<string, number>();
  notices.forEach((notice, position) => {
    const year = dateOf(beijingDayOf(notice.publishedAt)).slice(0, 4);
    const serial = (serials.get(year) ?? random.int(0, 40)) + random.int(1, 3);
    serials.set(year, serial);
    notice.position = position;
    notice.reference = `GS-${year}-${String(serial).padStart(6, '0')}`;
  });
  return notices;
}

/** What a notice about a registered certificate takes from it, noted when the certificate is made (it is not kept). */
export interface HolderFacts {
  organisation: DemoOrganisation;
  scheme: SchemeSpec;
  body: BodySpec;
  levelCode: string;
  scope: string;
  /** The certificate a certified notice's decision issued or changed. */
  decidedCertificate: number | null;
}

/** The facts `notice` takes from `certificate`: for a certified notice, the level and scope its decision left. */
export function holderFacts(notice: PlannedNotice, certificate: DemoCertificate): HolderFacts {
  const { subject } = notice;
  if (!('certificate' in subject) || certificate.ordinal !== subject.certificate) {
    throw new Error(`notice ${notice.reference} is about another certificate`);
  }
  const { organisation, scheme, body } = certificate;
  if (subject.decidedBy === null) {
    return { organisation, scheme, body, levelCode: certificate.levelCode, scope: certificate.scope, decidedCertificate: null };
  }
  // The last level and scope set by the event the decision was.
  let levelCode = '';
  let scope = '';
  for (const event of certificate.events.slice(0, subject.decidedBy + 1)) {
    levelCode = event.levelCode ?? levelCode;
    scope = event.scope ?? scope;
  }
  return { organisation, scheme, body, levelCode, scope, decidedCertificate: certificate.ordinal };
}

/** A notice's wording and whom it names, made from its plan and its holder's facts or its new applicant. */
export interface NoticeWording {
  organisation: DemoOrganisation;
  scheme: SchemeSpec;
  body: BodySpec;
  proposedLevelCode: string;
  scope: string;
  evaluationSummary: string;
  decidedCertificate: number | null;
}

/**
 * `random` is the notice's own stream (Random.forItem), so its wording does not depend on
 * the order the seeder comes to it.
 */
export function wordNotice(notice: PlannedNotice, random: Random, named: { holder: HolderFacts } | { applicant: DemoOrganisation }): NoticeWording {
  const { kind, publishedOn } = notice;
  let wording: Omit<NoticeWording, 'evaluationSummary'>;
  if ('applicant' in named) {
    const organisation = named.applicant;
    const { schemes } = organisation.industry;
    const scheme = schemeOf(random.chance(0.8) ? schemes[0]! : random.pick(schemes));
    wording = {
      organisation,
      scheme,
      body: bodiesFor.get(scheme.code)!.pick(random),
      proposedLevelCode: levelsFor.get(scheme.code)!.pick(random).code,
      scope: scopeFor(random, scheme.code, organisation),
      decidedCertificate: null,
    };
  } else {
    const { organisation, scheme, body, levelCode, scope, decidedCertificate } = named.holder;
    // A pending application asks for a change: the next level up, or another scope.
    const pending = decidedCertificate === null;
    const nextRank = levelOf(scheme, levelCode).rank + 1;
    wording = {
      organisation,
      scheme,
      body,
      proposedLevelCode: pending && kind === 'level_change' ? scheme.levels.find((level) => level.rank === nextRank)!.code : levelCode,
      scope: pending && kind === 'scope_change' ? differentScope(random, scheme.code, organisation, scope) : scope,
      decidedCertificate,
    };
  }
  return { ...wording, evaluationSummary: evaluationSummary(random, kind, wording.scheme, wording.proposedLevelCode, publishedOn) };
}
