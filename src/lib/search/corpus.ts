import type { PortalDb } from '../db/database.ts';
import type { NoticeKind } from '../db/notice.table.ts';
import { noticeTitle } from '../notices/labels.ts';
import { beijingDate } from '../time/beijing.ts';

/** The text of a notice that search reads, field by field. */
export interface NoticeDocument {
  id: number;
  title: string;
  applicant: string;
  reference: string;
  scope: string;
  summary: string;
  scheme: string;
  place: string;
}

/** What facets and filters need of a notice, kept beside the index. */
export interface NoticeFacts {
  id: number;
  kind: NoticeKind;
  scheme: string;
  province: string;
  year: number;
  windowStart: string;
  windowEnd: string;
  withdrawn: boolean;
}

/** Every notice, as documents to index and facts to facet by, read in one pass. */
export async function loadNoticeCorpus(db: PortalDb): Promise<{ documents: NoticeDocument[]; facts: NoticeFacts[] }> {
  const rows = await db
    .selectFrom('notice')
    .innerJoin('organisation', 'organisation.id', 'notice.organisationId')
    .innerJoin('scheme', 'scheme.id', 'notice.schemeId')
    .leftJoin('schemeLevel', (join) =>
      join.onRef('schemeLevel.schemeId', '=', 'notice.schemeId').onRef('schemeLevel.code', '=', 'notice.proposedLevelCode'),
    )
    .leftJoin('certificate', 'certificate.id', 'notice.certificateId')
    .select([
      'notice.id',
      'notice.reference',
      'notice.kind',
      'notice.status',
      'notice.scope',
      'notice.evaluationSummary',
      'notice.applicantAddress',
      'notice.windowStart',
      'notice.windowEnd',
      'organisation.name as applicantName',
      'organisation.uscc',
      'organisation.province',
      'organisation.city',
      'scheme.code as schemeCode',
      'scheme.name as schemeName',
      'scheme.basis',
      'schemeLevel.name as levelName',
      'certificate.number as certificateNumber',
    ])
    .orderBy('notice.id')
    .execute();
  return {
    documents: rows.map((row) => ({
      id: row.id,
      title: noticeTitle(row.applicantName, row.schemeName, row.kind),
      applicant: `${row.applicantName} ${row.uscc}`,
      reference: [row.reference, row.certificateNumber].filter(Boolean).join(' '),
      scope: row.scope,
      summary: row.evaluationSummary,
      scheme: [row.schemeName, row.basis, row.levelName].filter(Boolean).join(' '),
      place: [row.province, row.city, row.applicantAddress].filter(Boolean).join(' '),
    })),
    facts: rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      scheme: row.schemeCode,
      province: row.province,
      year: Number(beijingDate(new Date(row.windowStart)).slice(0, 4)),
      windowStart: row.windowStart,
      windowEnd: row.windowEnd,
      withdrawn: row.status === 'withdrawn',
    })),
  };
}
