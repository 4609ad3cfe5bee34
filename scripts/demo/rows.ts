/**
 * The rows of the demo data set, parents before children, each table's in the order of the
 * ids the database gives them: no row carries its id (PostgreSQL's sequences would not
 * follow), and the ids rows refer to are known by counting. The registry is made twice from
 * its seed: a first pass notes in typed arrays what numbering and the notices need (a
 * million certificates do not fit in memory as objects); the second makes the same holders
 * again, worded, and yields them row by row, noting what each notice takes from its
 * certificate. The notices follow, in publication order, each with its comments.
 */
import type { Insertable } from 'kysely';
import type { PortalDatabase } from '../../src/lib/db/database.ts';
import { certificateNumberColumns, organisationNameColumns } from '../../src/lib/db/derived-columns.ts';
import { beijingInstant, dateOf, isoOf, type Day } from './calendar.ts';
import { BODIES, SCHEMES, type BodySpec, type SchemeSpec } from './catalogue.ts';
import { noticeComments, planComments } from './comments.ts';
import { holderFacts, NoticeSources, objectionContact, planNotices, wordNotice, type HolderFacts, type PlannedNotice } from './notices.ts';
import { Random } from './random.ts';
import { CertificateNumbers, OrganisationFactory, registryHolders, type DemoCertificate, type DemoOrganisation } from './registry.ts';

/** Why the bodies of the demo withdraw a notice, as bodies word it. */
const WITHDRAWAL_REASONS = [
  '申请方书面申请撤回认证申请，本次公示相应撤回。',
  '公示的认证范围表述有误，撤回本公示，更正后重新公示。',
  '评价资料需补充现场核查记录，撤回本公示，补充评价完成后重新公示。',
] as const;

export type BulkTables = Pick<PortalDatabase, 'organisation' | 'certificate' | 'certificateEvent' | 'notice' | 'comment'>;
export type BulkTable = keyof BulkTables;
/** Parents before children, so every foreign key finds its row. */
export const WRITE_ORDER = ['organisation', 'certificate', 'certificateEvent', 'notice', 'comment'] as const satisfies readonly BulkTable[];
export type BulkRow = { [T in BulkTable]: { table: T; row: Insertable<BulkTables[T]> } }[BulkTable];

/** The ids the database already holds: new rows get the ones after them, in the order they are written. */
export interface IdBases {
  body: number;
  scheme: number;
  organisation: number;
  certificate: number;
  event: number;
  notice: number;
}

export interface DemoRowsOptions {
  certificates: number;
  notices: number;
  comments: number;
  seed: number;
  /** The Beijing day everything is dated up to. */
  anchor: Day;
  bases: IdBases;
}

/** Separate streams, so that the registry stays the same whatever the number of notices, and so on. */
const STREAMS = { notices: 0x5bd1e995, numbers: 0x27d4eb2f, wording: 0x165667b1, comments: 0x85ebca77, applicants: 0x4cf5ad43 } as const;

export const bodyId = (bases: IdBases, body: BodySpec): number => bases.body + 1 + BODIES.indexOf(body);
export const schemeId = (bases: IdBases, scheme: SchemeSpec): number => bases.scheme + 1 + SCHEMES.indexOf(scheme);

export function* demoRows(options: DemoRowsOptions): Generator<BulkRow, void, undefined> {
  const { seed, anchor, bases } = options;
  const anchorStart = beijingInstant(anchor, 0);

  // First pass: the registry's shapes, as the numbering and the notices need to know it.
  const numbers = new CertificateNumbers(options.certificates);
  const sources = new NoticeSources(options.certificates, anchor);
  for (const shapes of registryHolders(seed, anchor, options.certificates)) {
    for (const shape of shapes) {
      numbers.note(shape);
      sources.note(shape);
    }
  }
  numbers.assign(new Random(seed ^ STREAMS.numbers));
  const notices = planNotices(new Random(seed ^ STREAMS.notices), anchor, options.notices, sources);
  const commentCounts = planComments(new Random(seed ^ STREAMS.comments), notices, anchorStart, options.comments);
  const commentsBefore = new Int32Array(commentCounts.length);
  for (let position = 1; position < commentCounts.length; position++) {
    commentsBefore[position] = commentsBefore[position - 1]! + commentCounts[position - 1]!;
  }
  const noticesOf = new Map<number, PlannedNotice[]>();
  let applicantCount = 0;
  for (const notice of notices) {
    if ('applicant' in notice.subject) applicantCount++;
    else {
      const list = noticesOf.get(notice.subject.certificate) ?? [];
      list.push(notice);
      noticesOf.set(notice.subject.certificate, list);
    }
  }
  /** By a notice's position: what its certificate says, noted when the certificate is made. */
  const factsOf: HolderFacts[] = [];

  // The ids the rows get, written in this order.
  const organisationId = (organisation: DemoOrganisation) => bases.organisation + 1 + organisation.index;
  const certificateId = (certificate: DemoCertificate) => bases.certificate + 1 + certificate.ordinal;

  const organisationRow = (organisation: DemoOrganisation): BulkRow => ({
    table: 'organisation',
    row: {
      uscc: organisation.uscc,
      ...organisationNameColumns(organisation.name),
      province: organisation.city.province,
      city: organisation.city.city,
      address: organisation.address,
      updatedAt: isoOf(organisation.updatedAt),
    },
  });
  function* noticeRows(notice: PlannedNotice, named: Parameters<typeof wordNotice>[2]): Generator<BulkRow, void, undefined> {
    const wording = wordNotice(notice, Random.forItem(seed ^ STREAMS.wording, notice.position), named);
    const id = bases.notice + 1 + notice.position;
    yield {
      table: 'notice',
      row: {
        reference: notice.reference,
        kind: notice.kind,
        organisationId: organisationId(wording.organisation),
        schemeId: schemeId(bases, wording.scheme),
        bodyId: bodyId(bases, wording.body),
        proposedLevelCode: wording.proposedLevelCode,
        scope: wording.scope,
        applicantAddress: wording.organisation.address,
        evaluationSummary: wording.evaluationSummary,
        windowStart: isoOf(notice.window.start),
        windowEnd: isoOf(notice.window.end),
        publishedAt: isoOf(notice.publishedAt),
        status: notice.status,
        withdrawnAt: notice.status === 'withdrawn' ? isoOf(notice.updatedAt) : null,
        withdrawalReason: notice.status === 'withdrawn' ? WITHDRAWAL_REASONS[notice.position % WITHDRAWAL_REASONS.length]! : null,
        decision: notice.decision,
        decidedAt: notice.decidedAt === null ? null : isoOf(notice.decidedAt),
        certificateId: wording.decidedCertificate === null ? null : bases.certificate + 1 + wording.decidedCertificate,
        objectionContact: objectionContact(wording.body),
        updatedAt: isoOf(notice.updatedAt),
      },
    };
    const comments = noticeComments(
      Random.forItem(seed ^ STREAMS.comments, notice.position),
      notice,
      id,
      wording.organisation.city.city,
      commentCounts[notice.position]!,
      commentsBefore[notice.position]!,
      anchorStart,
    );
    for (const comment of comments) yield { table: 'comment', row: comment };
  }

  // Second pass: the same holders again, worded, with their certificates and histories.
  const organisations = new OrganisationFactory();
  for (const holder of registryHolders(seed, anchor, options.certificates, organisations)) {
    yield organisationRow(holder.organisation);
    for (const certificate of holder.certificates) {
      const number = numbers.numberOf(certificate);
      yield {
        table: 'certificate',
        row: {
          ...certificateNumberColumns(number),
          organisationId: organisationId(certificate.organisation),
          bodyId: bodyId(bases, certificate.body),
          schemeId: schemeId(bases, certificate.scheme),
          levelCode: certificate.levelCode,
          scope: certificate.scope,
          sites: certificate.sites,
          firstIssuedOn: dateOf(certificate.firstIssuedOn),
          issuedOn: dateOf(certificate.issuedOn),
          expiresOn: dateOf(certificate.expiresOn),
          status: certificate.status,
          updatedAt: isoOf(certificate.events.at(-1)!.occurredAt),
        },
      };
      for (const event of certificate.events) {
        yield {
          table: 'certificateEvent',
          row: {
            certificateId: certificateId(certificate),
            kind: event.kind,
            occurredAt: isoOf(event.occurredAt),
            description: event.description,
            levelCode: event.levelCode,
            expiresOn: event.expiresOn === null ? null : dateOf(event.expiresOn),
            scope: event.scope,
          },
        };
      }
      for (const notice of noticesOf.get(certificate.ordinal) ?? []) factsOf[notice.position] = holderFacts(notice, certificate);
    }
  }
  // New applicants, named unlike any holder.
  const inventing = new Random(seed ^ STREAMS.applicants);
  const applicants = Array.from({ length: applicantCount }, () => organisations.create(inventing));
  for (const notice of notices) {
    if ('applicant' in notice.subject) applicants[notice.subject.applicant]!.updatedAt = notice.subject.updatedAt;
  }
  for (const applicant of applicants) yield organisationRow(applicant);
  for (const notice of notices) {
    const { subject } = notice;
    yield* noticeRows(notice, 'applicant' in subject ? { applicant: applicants[subject.applicant]! } : { holder: factsOf[notice.position]! });
  }
}
