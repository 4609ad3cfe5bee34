import { preparedQuery, preparedQueryPerLength } from '../../db/prepared.ts';
import type { PortalDb } from '../../db/database.ts';
import type { CertificateEvent, CertificateEventKind, StoredCertificateStatus } from '../../db/registry.table.ts';
import type { NoticeKind } from '../../db/notice.table.ts';
import { DomainError } from '../../ground/errors.ts';
import { certificateNumberKey } from '../../ground/text/normalise.ts';
import { changedAfter, type ChangePosition } from '../sync/changes.ts';

/** Everything the certificate page and the API show about one certificate. */
export interface CertificateDetails {
  id: number;
  number: string;
  status: StoredCertificateStatus;
  holder: { name: string; uscc: string; province: string; address: string };
  scheme: { code: string; name: string; nameEn: string; basis: string };
  level: { code: string; name: string } | null;
  scope: string;
  sites: string[];
  body: { code: string; name: string; approvalNumber: string; website: string | null; phone: string | null; address: string | null };
  firstIssuedOn: string;
  issuedOn: string;
  expiresOn: string;
  updatedAt: string;
  events: CertificateEvent[];
  precedingNotice: { id: number; reference: string; kind: NoticeKind } | null;
}

/** A line of a result list: enough to tell certificates of one holder apart. */
export interface CertificateSummaryRow {
  number: string;
  status: StoredCertificateStatus;
  expiresOn: string;
  holderName: string;
  uscc: string;
  schemeName: string;
  levelName: string | null;
}

/** Selects summary rows; callers add their own conditions, order and limits. */
export function selectCertificateSummaries(db: PortalDb) {
  return db
    .selectFrom('certificate')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .innerJoin('scheme', 'scheme.id', 'certificate.schemeId')
    .leftJoin('schemeLevel', (join) =>
      join.onRef('schemeLevel.schemeId', '=', 'certificate.schemeId').onRef('schemeLevel.code', '=', 'certificate.levelCode'),
    )
    .select([
      'certificate.number',
      'certificate.status',
      'certificate.expiresOn',
      'organisation.name as holderName',
      'organisation.uscc',
      'scheme.name as schemeName',
      'schemeLevel.name as levelName',
    ]);
}

/** The certificate with its holder, scheme, level and body: callers add which ones. */
function selectCertificateDetails(db: PortalDb) {
  return db
    .selectFrom('certificate')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .innerJoin('scheme', 'scheme.id', 'certificate.schemeId')
    .innerJoin('certificationBody', 'certificationBody.id', 'certificate.bodyId')
    .leftJoin('schemeLevel', (join) =>
      join.onRef('schemeLevel.schemeId', '=', 'certificate.schemeId').onRef('schemeLevel.code', '=', 'certificate.levelCode'),
    )
    .select([
      'certificate.id',
      'certificate.number',
      'certificate.status',
      'certificate.scope',
      'certificate.sites',
      'certificate.firstIssuedOn',
      'certificate.issuedOn',
      'certificate.expiresOn',
      'certificate.updatedAt',
      'certificate.levelCode',
      'schemeLevel.name as levelName',
      'organisation.name as holderName',
      'organisation.uscc',
      'organisation.province',
      'organisation.address',
      'scheme.code as schemeCode',
      'scheme.name as schemeName',
      'scheme.nameEn as schemeNameEn',
      'scheme.basis',
      'certificationBody.code as bodyCode',
      'certificationBody.name as bodyName',
      'certificationBody.approvalNumber',
      'certificationBody.website',
      'certificationBody.phone as bodyPhone',
      'certificationBody.address as bodyAddress',
    ]);
}

type CertificateRow = Awaited<ReturnType<ReturnType<typeof selectCertificateDetails>['executeTakeFirstOrThrow']>>;

/** A certificate as registered, with its events: what the page shows but the notice it followed. */
export type RegisteredCertificate = Omit<CertificateDetails, 'precedingNotice'>;

function toRegisteredCertificate(row: CertificateRow, events: CertificateEvent[]): RegisteredCertificate {
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    holder: { name: row.holderName, uscc: row.uscc, province: row.province, address: row.address },
    scheme: { code: row.schemeCode, name: row.schemeName, nameEn: row.schemeNameEn, basis: row.basis },
    level: row.levelCode && row.levelName ? { code: row.levelCode, name: row.levelName } : null,
    scope: row.scope,
    sites: row.sites.split('\n').filter((site) => site.trim() !== ''),
    body: {
      code: row.bodyCode,
      name: row.bodyName,
      approvalNumber: row.approvalNumber,
      website: row.website,
      phone: row.bodyPhone,
      address: row.bodyAddress,
    },
    firstIssuedOn: row.firstIssuedOn,
    issuedOn: row.issuedOn,
    expiresOn: row.expiresOn,
    // Moved by the database whenever anything shown changes: the certificate, its holder or its history (migration T0700).
    updatedAt: row.updatedAt,
    events,
  };
}

/** The certificate page's three reads, on every scan of a QR code: compiled once. */
const certificateByNumberKey = preparedQuery((db: PortalDb, key: string) => selectCertificateDetails(db).where('certificate.numberKey', '=', key));
const eventsOfCertificate = preparedQuery((db: PortalDb, certificateId: number) =>
  db.selectFrom('certificateEvent').selectAll().where('certificateId', '=', certificateId).orderBy('occurredAt').orderBy('id'),
);
const noticePrecedingCertificate = preparedQuery((db: PortalDb, certificateId: number) =>
  db
    .selectFrom('notice')
    .select(['id', 'reference', 'kind'])
    .where('certificateId', '=', certificateId)
    .where('status', '=', 'published')
    .orderBy('windowEnd', 'desc')
    .limit(1),
);

/**
 * The certificate with this number, or null. Any spelling of it finds it (case, spaces,
 * full-width letters, other dashes): the unique key of its letters and digits is compared,
 * through its index. The record carries the number as registered, the canonical spelling.
 */
export async function findCertificateByNumber(db: PortalDb, number: string): Promise<CertificateDetails | null> {
  const key = certificateNumberKey(number);
  if (key === '') return null;
  const row = (await certificateByNumberKey(db, key)).rows[0];
  if (!row) return null;

  const [events, precedingNotice] = await Promise.all([
    eventsOfCertificate(db, row.id).then((result) => result.rows),
    noticePrecedingCertificate(db, row.id).then((result) => result.rows[0]),
  ]);
  return { ...toRegisteredCertificate(row, events), precedingNotice: precedingNotice ?? null };
}

/**
 * The next `limit` certificates after `after` in (updated_at, id) order, each with its
 * events: one read of the index certificate_updated_order and one of the events of the page.
 */
export async function certificatesChangedAfter(db: PortalDb, after: ChangePosition, limit: number): Promise<RegisteredCertificate[]> {
  const rows = await selectCertificateDetails(db)
    .where(changedAfter('certificate', after))
    .orderBy('certificate.updatedAt')
    .orderBy('certificate.id')
    .limit(limit)
    .execute();
  if (rows.length === 0) return [];
  const events = await db
    .selectFrom('certificateEvent')
    .selectAll()
    .where(
      'certificateId',
      'in',
      rows.map((row) => row.id),
    )
    .orderBy('certificateId')
    .orderBy('occurredAt')
    .orderBy('id')
    .execute();
  const eventsById = new Map(rows.map((row) => [row.id, [] as CertificateEvent[]]));
  for (const event of events) eventsById.get(event.certificateId)!.push(event);
  return rows.map((row) => toRegisteredCertificate(row, eventsById.get(row.id)!));
}

/** The certificate a path names, as printed; any other number is certificate_not_found. */
export async function requireCertificate(db: PortalDb, number: string): Promise<CertificateDetails> {
  const record = await findCertificateByNumber(db, number);
  if (!record) {
    throw new DomainError('not_found', 'certificate_not_found', { number });
  }
  return record;
}

/** An event of the registry with whose certificate it is. */
export interface CertificateEventSummary {
  id: number;
  kind: CertificateEventKind;
  occurredAt: string;
  /** What the body says happened, in its words. */
  description: string;
  certificate: { number: string; holderName: string; uscc: string; province: string; schemeName: string };
}

/** Events with whose certificate they are, that happened by `now`, the most recent first; callers say which and how many. */
function selectEventSummaries(db: PortalDb, now: string) {
  return db
    .selectFrom('certificateEvent')
    .innerJoin('certificate', 'certificate.id', 'certificateEvent.certificateId')
    .innerJoin('organisation', 'organisation.id', 'certificate.organisationId')
    .innerJoin('scheme', 'scheme.id', 'certificate.schemeId')
    .select([
      'certificateEvent.id',
      'certificateEvent.kind',
      'certificateEvent.occurredAt',
      'certificateEvent.description',
      'certificate.number',
      'organisation.name as holderName',
      'organisation.uscc',
      'organisation.province',
      'scheme.name as schemeName',
    ])
    .where('certificateEvent.occurredAt', '<=', now)
    .orderBy('certificateEvent.occurredAt', 'desc')
    .orderBy('certificateEvent.id', 'desc');
}

/** A certificate's feed and the decisions feed (and the home page) read these: compiled once, the kinds' once per number of kinds. */
const eventsOfOneCertificate = preparedQuery((db: PortalDb, now: string, limit: number, certificateId: number) =>
  selectEventSummaries(db, now).where('certificateEvent.certificateId', '=', certificateId).limit(limit),
);
const eventsOfKinds = preparedQueryPerLength(
  () =>
    (db: PortalDb, now: string, limit: number, ...kinds: CertificateEventKind[]) =>
      selectEventSummaries(db, now).where('certificateEvent.kind', 'in', kinds).limit(limit),
  (count) => 2 + count,
);

/** Events of these kinds, or of this certificate, that happened by `now`, the most recent first. */
export async function newestCertificateEvents(
  db: PortalDb,
  which: { kinds: readonly CertificateEventKind[] } | { certificateId: number },
  now: Date,
  limit: number,
): Promise<CertificateEventSummary[]> {
  const instant = now.toISOString();
  const { rows } =
    'kinds' in which
      ? await eventsOfKinds(which.kinds.length)(db, instant, limit, ...which.kinds)
      : await eventsOfOneCertificate(db, instant, limit, which.certificateId);
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    occurredAt: row.occurredAt,
    description: row.description,
    certificate: { number: row.number, holderName: row.holderName, uscc: row.uscc, province: row.province, schemeName: row.schemeName },
  }));
}
