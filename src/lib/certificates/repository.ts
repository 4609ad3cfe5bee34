import type { PortalDb } from '../db/database.ts';
import type { CertificateEvent, CertificateEventKind, StoredCertificateStatus } from '../db/registry.table.ts';
import type { NoticeKind } from '../db/notice.table.ts';
import { DomainError } from '../errors.ts';
import { certificateNumberKey } from '../text/normalise.ts';

/** Everything the certificate page and the API show about one certificate. */
export interface CertificateRecord {
  id: number;
  number: string;
  status: StoredCertificateStatus;
  holder: { name: string; uscc: string; province: string; address: string };
  scheme: { code: string; name: string; nameEn: string; basis: string };
  level: { code: string; name: string } | null;
  scope: string;
  sites: string[];
  body: { name: string; approvalNumber: string; website: string | null; phone: string | null; address: string | null };
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

/**
 * The certificate with this number, or null. Any spelling of it finds it (case, spaces,
 * full-width letters, other dashes): the unique key of its letters and digits is compared,
 * through its index. The record carries the number as registered, the canonical spelling.
 */
export async function findCertificateByNumber(db: PortalDb, number: string): Promise<CertificateRecord | null> {
  const key = certificateNumberKey(number);
  if (key === '') return null;
  const row = await db
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
      'organisation.updatedAt as holderUpdatedAt',
      'scheme.code as schemeCode',
      'scheme.name as schemeName',
      'scheme.nameEn as schemeNameEn',
      'scheme.basis',
      'certificationBody.name as bodyName',
      'certificationBody.approvalNumber',
      'certificationBody.website',
      'certificationBody.phone as bodyPhone',
      'certificationBody.address as bodyAddress',
    ])
    .where('certificate.numberKey', '=', key)
    .executeTakeFirst();
  if (!row) return null;

  const [events, precedingNotice] = await Promise.all([
    db
      .selectFrom('certificateEvent')
      .selectAll()
      .where('certificateId', '=', row.id)
      .orderBy('occurredAt')
      .orderBy('id')
      .execute(),
    db
      .selectFrom('notice')
      .select(['id', 'reference', 'kind'])
      .where('certificateId', '=', row.id)
      .where('status', '=', 'published')
      .orderBy('windowEnd', 'desc')
      .limit(1)
      .executeTakeFirst(),
  ]);
  const latestEvent = events.at(-1)?.occurredAt ?? '';
  return {
    id: row.id,
    number: row.number,
    status: row.status,
    holder: { name: row.holderName, uscc: row.uscc, province: row.province, address: row.address },
    scheme: { code: row.schemeCode, name: row.schemeName, nameEn: row.schemeNameEn, basis: row.basis },
    level: row.levelCode && row.levelName ? { code: row.levelCode, name: row.levelName } : null,
    scope: row.scope,
    sites: row.sites.split('\n').filter((site) => site.trim() !== ''),
    body: { name: row.bodyName, approvalNumber: row.approvalNumber, website: row.website, phone: row.bodyPhone, address: row.bodyAddress },
    firstIssuedOn: row.firstIssuedOn,
    issuedOn: row.issuedOn,
    expiresOn: row.expiresOn,
    // The page says when anything it shows last changed: the certificate, its holder or its history.
    updatedAt: [row.updatedAt, row.holderUpdatedAt, latestEvent].reduce((a, b) => (a > b ? a : b)),
    events,
    precedingNotice: precedingNotice ?? null,
  };
}

/** The certificate a path names, as printed; any other number is certificate_not_found. */
export async function requireCertificate(db: PortalDb, number: string): Promise<CertificateRecord> {
  const record = await findCertificateByNumber(db, number);
  if (!record) {
    throw new DomainError(
      'not_found',
      'certificate_not_found',
      `No certificate numbered ${number} is registered. Check the number, or search with /api/v1/certificates?q=.`,
      `未找到编号为 ${number} 的证书。`,
    );
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

/** Events of these kinds, or of this certificate, that happened by `now`, the most recent first. */
export async function newestCertificateEvents(
  db: PortalDb,
  which: { kinds: readonly CertificateEventKind[] } | { certificateId: number },
  now: Date,
  limit: number,
): Promise<CertificateEventSummary[]> {
  let query = db
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
    .where('certificateEvent.occurredAt', '<=', now.toISOString());
  query =
    'kinds' in which
      ? query.where('certificateEvent.kind', 'in', which.kinds)
      : query.where('certificateEvent.certificateId', '=', which.certificateId);
  const rows = await query
    .orderBy('certificateEvent.occurredAt', 'desc')
    .orderBy('certificateEvent.id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    occurredAt: row.occurredAt,
    description: row.description,
    certificate: { number: row.number, holderName: row.holderName, uscc: row.uscc, province: row.province, schemeName: row.schemeName },
  }));
}
