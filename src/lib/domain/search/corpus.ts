import { createHash } from 'node:crypto';
import type { PortalDb } from '../../db/database.ts';
import type { NoticeKind } from '../../db/notice.table.ts';
import { noticeTitle } from '../notices/labels.ts';
import { beijingDate } from '../../ground/time/beijing.ts';

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

/** A notice as the index holds it: its text, its facts, and a digest of both. */
export interface NoticeEntry {
  document: NoticeDocument;
  facts: NoticeFacts;
  /** 48 bits of a SHA-1 of everything indexed: equal digests, nothing to re-index. */
  digest: number;
}

/** Everything the index reads of a notice, joined from the tables its text comes from. */
function selectNoticeRows(db: PortalDb) {
  return db
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
    ]);
}

type NoticeRow = Awaited<ReturnType<ReturnType<typeof selectNoticeRows>['execute']>>[number];

export function noticeDigest(document: NoticeDocument, facts: NoticeFacts): number {
  const hash = createHash('sha1')
    .update(JSON.stringify([document, facts]))
    .digest();
  return hash.readUIntBE(0, 6);
}

function toEntry(row: NoticeRow): NoticeEntry {
  const document: NoticeDocument = {
    id: row.id,
    title: noticeTitle(row.applicantName, row.schemeName, row.kind),
    applicant: `${row.applicantName} ${row.uscc}`,
    reference: [row.reference, row.certificateNumber].filter(Boolean).join(' '),
    scope: row.scope,
    summary: row.evaluationSummary,
    scheme: [row.schemeName, row.basis, row.levelName].filter(Boolean).join(' '),
    place: [row.province, row.city, row.applicantAddress].filter(Boolean).join(' '),
  };
  const facts: NoticeFacts = {
    id: row.id,
    kind: row.kind,
    scheme: row.schemeCode,
    province: row.province,
    year: Number(beijingDate(new Date(row.windowStart)).slice(0, 4)),
    windowStart: row.windowStart,
    windowEnd: row.windowEnd,
    withdrawn: row.status === 'withdrawn',
  };
  return { document, facts, digest: noticeDigest(document, facts) };
}

/** The next `limit` notices after `afterId` (up to `upToId`), in id order: the whole corpus is read in such pages. */
export async function readNoticeEntriesAfter(db: PortalDb, afterId: number, limit: number, upToId?: number): Promise<NoticeEntry[]> {
  const rows = await selectNoticeRows(db)
    .where('notice.id', '>', afterId)
    // No bound but a real id: PostgreSQL refuses a parameter past its integer's range.
    .$if(upToId !== undefined, (query) => query.where('notice.id', '<=', upToId!))
    .orderBy('notice.id')
    .limit(limit)
    .execute();
  return rows.map(toEntry);
}

/** Below SQLite's bound-parameter limit, and small enough for PostgreSQL's planner to use the key. */
const IDS_PER_QUERY = 500;

/** Ids in groups of at most IDS_PER_QUERY, for `where id in (...)`. */
export function inQueryChunks<Item>(items: readonly Item[]): Item[][] {
  const chunks: Item[][] = [];
  for (let i = 0; i < items.length; i += IDS_PER_QUERY) chunks.push(items.slice(i, i + IDS_PER_QUERY));
  return chunks;
}

/** The notices with these ids that still exist, in id order. */
export async function readNoticeEntries(db: PortalDb, ids: readonly number[]): Promise<NoticeEntry[]> {
  const entries: NoticeEntry[] = [];
  for (const chunk of inQueryChunks([...ids].sort((a, b) => a - b))) {
    const rows = await selectNoticeRows(db).where('notice.id', 'in', chunk).orderBy('notice.id').execute();
    for (const row of rows) entries.push(toEntry(row));
  }
  return entries;
}
