import type { PortalDb } from '../../db/database.ts';

/** What the holder of a tracking number may see: never the submitter's name, contact or address. */
export interface TrackedComment {
  trackingNumber: string;
  kind: 'objection' | 'opinion' | 'support';
  /** What the holder sent: theirs to read again (the page is never cached). */
  text: string;
  status: 'received' | 'under_review' | 'answered' | 'rejected';
  reply: string | null;
  published: boolean;
  receivedAt: string;
  updatedAt: string;
  notice: { id: number; reference: string; organisationName: string; schemeName: string; windowEnd: string };
}

export async function findCommentByTrackingNumber(db: PortalDb, trackingNumber: string): Promise<TrackedComment | null> {
  const row = await db
    .selectFrom('comment')
    .innerJoin('notice', 'notice.id', 'comment.noticeId')
    .innerJoin('organisation', 'organisation.id', 'notice.organisationId')
    .innerJoin('scheme', 'scheme.id', 'notice.schemeId')
    .select([
      'comment.trackingNumber',
      'comment.kind',
      'comment.text',
      'comment.status',
      'comment.reply',
      'comment.published',
      'comment.receivedAt',
      'comment.updatedAt',
      'notice.id as noticeId',
      'notice.reference',
      'notice.windowEnd',
      'organisation.name as organisationName',
      'scheme.name as schemeName',
    ])
    .where('comment.trackingNumber', '=', trackingNumber)
    .executeTakeFirst();
  if (!row) return null;
  return {
    trackingNumber: row.trackingNumber,
    kind: row.kind,
    text: row.text,
    status: row.status,
    reply: row.reply,
    published: row.published === 1,
    receivedAt: row.receivedAt,
    updatedAt: row.updatedAt,
    notice: {
      id: row.noticeId,
      reference: row.reference,
      organisationName: row.organisationName,
      schemeName: row.schemeName,
      windowEnd: row.windowEnd,
    },
  };
}
