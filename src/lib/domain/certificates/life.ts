import { sql } from 'kysely';
import { preparedQuery } from '../../db/prepared.ts';
import type { PortalDb } from '../../db/database.ts';
import type { Notice, NoticeKind } from '../../db/notice.table.ts';

/** A notice in the life of a certificate: its window, what it drew, and what became of it. */
export interface CertificateNotice {
  id: number;
  reference: string;
  kind: NoticeKind;
  status: Notice['status'];
  windowStart: string;
  windowEnd: string;
  decision: Notice['decision'];
  decidedAt: string | null;
  /** Every comment received, published or not: numbers only, never anything of who sent them. */
  commentCount: number;
  objectionCount: number;
}

/** Read for every certificate page: compiled once. */
const holderOfCertificate = preparedQuery((db: PortalDb, certificateId: number) =>
  db.selectFrom('certificate').select(['organisationId', 'schemeId', 'bodyId']).where('id', '=', certificateId),
);
const noticesOfCertificate = preparedQuery((db: PortalDb, certificateId: number, organisationId: number, schemeId: number, bodyId: number) =>
  db
    .selectFrom('notice')
    .leftJoin('comment', 'comment.noticeId', 'notice.id')
    .select((eb) => [
      'notice.id',
      'notice.reference',
      'notice.kind',
      'notice.status',
      'notice.windowStart',
      'notice.windowEnd',
      'notice.decision',
      'notice.decidedAt',
      eb.fn.count<number>('comment.id').as('commentCount'),
      eb.fn.sum<number>(eb.case().when('comment.kind', '=', 'objection').then(1).else(0).end()).as('objectionCount'),
    ])
    .where((eb) =>
      eb.or([
        eb('notice.certificateId', '=', certificateId),
        eb.and([
          eb('notice.organisationId', '=', organisationId),
          eb('notice.certificateId', 'is', null),
          eb('notice.schemeId', '=', schemeId),
          eb('notice.bodyId', '=', bodyId),
          eb('notice.kind', '!=', 'initial'),
        ]),
      ]),
    )
    .groupBy('notice.id')
    .orderBy('notice.windowStart', 'desc')
    .orderBy('notice.id', 'desc'),
);

/**
 * Every notice of a certificate's life, the newest first: those whose decision issued or
 * changed it, and those still undecided or refused (which name no certificate yet) that its
 * body published for its holder and scheme: a surveillance, a re-certification, a level or
 * scope change. A holder has a few notices a year, so this stays small; both halves are read
 * through an index (notice_certificate, notice_organisation).
 */
export async function certificateNotices(db: PortalDb, certificateId: number): Promise<CertificateNotice[]> {
  const certificate = (await holderOfCertificate(db, certificateId)).rows[0];
  if (!certificate) return [];
  const { rows } = await noticesOfCertificate(db, certificateId, certificate.organisationId, certificate.schemeId, certificate.bodyId);
  return rows.map((row) => ({ ...row, commentCount: Number(row.commentCount ?? 0), objectionCount: Number(row.objectionCount ?? 0) }));
}

/**
 * Read for every notice page that names no certificate yet: compiled once. The holder's few
 * certificates are read by certificate_organisation; the unary plus keeps scheme and body out
 * of the index choice, since SQLite, which keeps no statistics here, would otherwise take
 * certificate_body_scheme (two equalities) and read every certificate of the body's scheme,
 * tens of milliseconds at national size.
 */
const certificateConcernedByNotice = preparedQuery((db: PortalDb, noticeId: number) =>
  db
    .selectFrom('notice')
    .innerJoin('certificate', 'certificate.organisationId', 'notice.organisationId')
    .select('certificate.number')
    .where('notice.id', '=', noticeId)
    .where('notice.kind', '!=', 'initial')
    .where((eb) =>
      eb.and([
        eb(sql<number>`+${sql.ref('certificate.schemeId')}`, '=', eb.ref('notice.schemeId')),
        eb(sql<number>`+${sql.ref('certificate.bodyId')}`, '=', eb.ref('notice.bodyId')),
      ]),
    )
    .orderBy('certificate.issuedOn', 'desc')
    .limit(1),
);

/**
 * The certificate a notice is about when the notice names none yet: a pending or refused
 * surveillance, re-certification or change concerns the certificate its applicant holds in
 * that scheme from that body (the latest, should there be several). An initial notice has none.
 */
export async function certificateOfNotice(db: PortalDb, noticeId: number): Promise<{ number: string } | null> {
  return (await certificateConcernedByNotice(db, noticeId)).rows[0] ?? null;
}
