/**
 * The body's staff handling comments: an export with the submitters' personal data (for
 * the staff only, each one recorded in an audit table), the answer that moves a comment
 * along and may publish it, and the erasure of names and contacts once they are no longer
 * needed (PIPL). What goes wrong is said as data (HandlingRefused); the back office's
 * dictionaries word it.
 */
import type { PortalDb } from '../db/database.ts';
import { COMMENT_STATUSES, type Comment } from '../db/notice.table.ts';
import { csvLine } from '../ground/text/csv.ts';
import { toBeijingIso } from '../ground/time/beijing.ts';
import { cleanText } from '../domain/comments/inputs.ts';
import { parseTrackingNumber } from '../domain/comments/tracking-number.ts';
import { findCommentByTrackingNumber, type TrackedComment } from '../domain/comments/tracking.ts';

/** The statuses the staff move a comment to; "received" is where every comment starts. */
export const ANSWER_STATUSES = COMMENT_STATUSES.filter((status) => status !== 'received') as readonly Exclude<Comment['status'], 'received'>[];
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

export const MAX_REPLY_LENGTH = 5000;

export type HandlingProblem =
  | { code: 'invalid_tracking_number'; typed: string }
  | { code: 'comment_not_found'; trackingNumber: string }
  | { code: 'reply_required'; trackingNumber: string; status: 'answered' | 'rejected' }
  | { code: 'invalid_reply'; max: number }
  | { code: 'nothing_to_change' }
  | { code: 'body_not_found'; bodyCode: string }
  | { code: 'notice_not_found'; reference: string };

/** The staff asked for something that cannot be done; nothing was changed. */
export class HandlingRefused extends Error {
  constructor(readonly problem: HandlingProblem) {
    super(problem.code);
    this.name = 'HandlingRefused';
  }
}

/** A comment as the staff see it: everything but the form's idempotency key. */
export interface HandledComment {
  trackingNumber: string;
  noticeId: number;
  noticeReference: string;
  bodyCode: string;
  kind: Comment['kind'];
  text: string;
  submitterName: string;
  submitterContact: string;
  submitterOrganisation: string | null;
  status: Comment['status'];
  reply: string | null;
  published: boolean;
  receivedAt: string;
  updatedAt: string;
  personalDataErasedAt: string | null;
}

/** Which comments an export holds: each body's staff take their own commenters only. */
export interface ExportFilter {
  /** Received at or after. */
  since: Date | null;
  bodyCode: string | null;
  noticeReference: string | null;
}

/** The comments the filter selects, oldest first; an unknown body or notice is refused rather than exported as nothing. */
export async function exportComments(db: PortalDb, filter: ExportFilter): Promise<HandledComment[]> {
  if (filter.bodyCode !== null && !(await db.selectFrom('certificationBody').select('id').where('code', '=', filter.bodyCode).executeTakeFirst())) {
    throw new HandlingRefused({ code: 'body_not_found', bodyCode: filter.bodyCode });
  }
  if (
    filter.noticeReference !== null &&
    !(await db.selectFrom('notice').select('id').where('reference', '=', filter.noticeReference).executeTakeFirst())
  ) {
    throw new HandlingRefused({ code: 'notice_not_found', reference: filter.noticeReference });
  }
  const rows = await db
    .selectFrom('comment')
    .innerJoin('notice', 'notice.id', 'comment.noticeId')
    .innerJoin('certificationBody', 'certificationBody.id', 'notice.bodyId')
    .select([
      'comment.trackingNumber',
      'comment.noticeId',
      'notice.reference as noticeReference',
      'certificationBody.code as bodyCode',
      'comment.kind',
      'comment.text',
      'comment.submitterName',
      'comment.submitterContact',
      'comment.submitterOrganisation',
      'comment.status',
      'comment.reply',
      'comment.published',
      'comment.receivedAt',
      'comment.updatedAt',
      'comment.personalDataErasedAt',
    ])
    .$if(filter.since !== null, (query) => query.where('comment.receivedAt', '>=', filter.since!.toISOString()))
    .$if(filter.bodyCode !== null, (query) => query.where('certificationBody.code', '=', filter.bodyCode!))
    .$if(filter.noticeReference !== null, (query) => query.where('notice.reference', '=', filter.noticeReference!))
    .orderBy('comment.receivedAt')
    .orderBy('comment.id')
    .execute();
  return rows.map((row) => ({ ...row, published: row.published === 1 }));
}

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export's fields, named as the comment table's columns. */
const EXPORT_FIELDS = [
  'tracking_number',
  'notice_id',
  'notice_reference',
  'body_code',
  'kind',
  'text',
  'submitter_name',
  'submitter_contact',
  'submitter_organisation',
  'status',
  'reply',
  'published',
  'received_at',
  'updated_at',
  'personal_data_erased_at',
] as const;

function exportRecord(comment: HandledComment): Record<(typeof EXPORT_FIELDS)[number], string | number | boolean | null> {
  return {
    tracking_number: comment.trackingNumber,
    notice_id: comment.noticeId,
    notice_reference: comment.noticeReference,
    body_code: comment.bodyCode,
    kind: comment.kind,
    text: comment.text,
    submitter_name: comment.submitterName,
    submitter_contact: comment.submitterContact,
    submitter_organisation: comment.submitterOrganisation,
    status: comment.status,
    reply: comment.reply,
    published: comment.published,
    received_at: toBeijingIso(comment.receivedAt),
    updated_at: toBeijingIso(comment.updatedAt),
    personal_data_erased_at: comment.personalDataErasedAt && toBeijingIso(comment.personalDataErasedAt),
  };
}

/**
 * A cell the public wrote may start like a spreadsheet formula (=HYPERLINK(…)); the staff
 * open the export in a spreadsheet, so such a cell is made text with a leading apostrophe.
 */
function spreadsheetSafe(value: string | number | boolean | null): string | number | null {
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/**
 * The export file's content; instants in Beijing time with the offset said. CSV starts with
 * a byte order mark, so that spreadsheets read the Chinese as UTF-8.
 */
export function formatCommentExport(comments: readonly HandledComment[], format: ExportFormat): string {
  const records = comments.map(exportRecord);
  if (format === 'json') return `${JSON.stringify(records, null, 2)}\n`;
  const lines = records.map((record) => csvLine(EXPORT_FIELDS.map((field) => spreadsheetSafe(record[field]))));
  return `\uFEFF${csvLine(EXPORT_FIELDS)}${lines.join('')}`;
}

/** One export as the audit table keeps it: who took which comments when. Nothing of the commenters. */
export interface CommentExportAudit {
  exportedAt: string;
  /** The operating-system user who ran the export. */
  osUser: string;
  filter: ExportFilter;
  format: ExportFormat;
  commentCount: number;
  /** Where the file was written. */
  file: string;
}

export async function recordCommentExport(db: PortalDb, audit: CommentExportAudit): Promise<void> {
  await db
    .insertInto('commentExport')
    .values({
      exportedAt: audit.exportedAt,
      osUser: audit.osUser,
      since: audit.filter.since?.toISOString() ?? null,
      bodyCode: audit.filter.bodyCode,
      noticeReference: audit.filter.noticeReference,
      format: audit.format,
      commentCount: audit.commentCount,
      file: audit.file,
    })
    .execute();
}

/** Every export recorded, newest first. */
export async function listCommentExports(db: PortalDb): Promise<CommentExportAudit[]> {
  const rows = await db.selectFrom('commentExport').selectAll().orderBy('exportedAt', 'desc').orderBy('id', 'desc').execute();
  return rows.map((row) => ({
    exportedAt: row.exportedAt,
    osUser: row.osUser,
    filter: { since: row.since === null ? null : new Date(row.since), bodyCode: row.bodyCode, noticeReference: row.noticeReference },
    format: row.format,
    commentCount: row.commentCount,
    file: row.file,
  }));
}

export interface CommentAnswer {
  /** Absent keeps the status: to publish, or to mend the reply, of a comment already answered. */
  status?: AnswerStatus;
  /** The body's reply, shown to the commenter (and on the notice page once published); absent keeps the one given before. */
  reply?: string;
  /** Show the comment's text (never its author) and the reply on the notice page. */
  publish: boolean;
}

/**
 * Moves a comment along: status, reply, publication; updated_at becomes `now`. An answered
 * or rejected comment has a reply (the answer, or the reason), given now or before.
 * Returns what the receipt page shows.
 */
export async function answerComment(db: PortalDb, typedTrackingNumber: string, answer: CommentAnswer, now: Date): Promise<TrackedComment> {
  const trackingNumber = parseTrackingNumber(typedTrackingNumber);
  if (!trackingNumber) throw new HandlingRefused({ code: 'invalid_tracking_number', typed: typedTrackingNumber });
  if (answer.status === undefined && answer.reply === undefined && !answer.publish) throw new HandlingRefused({ code: 'nothing_to_change' });
  const reply = answer.reply === undefined ? undefined : cleanText(answer.reply);
  if (reply !== undefined && (reply === '' || Array.from(reply).length > MAX_REPLY_LENGTH)) {
    throw new HandlingRefused({ code: 'invalid_reply', max: MAX_REPLY_LENGTH });
  }

  return db.transaction().execute(async (trx) => {
    const comment = await trx.selectFrom('comment').select(['id', 'status', 'reply']).where('trackingNumber', '=', trackingNumber).executeTakeFirst();
    if (!comment) throw new HandlingRefused({ code: 'comment_not_found', trackingNumber });
    const status = answer.status ?? comment.status;
    if ((status === 'answered' || status === 'rejected') && (reply ?? comment.reply) === null) {
      throw new HandlingRefused({ code: 'reply_required', trackingNumber, status });
    }
    await trx
      .updateTable('comment')
      .set({ status, ...(reply === undefined ? {} : { reply }), ...(answer.publish ? { published: 1 } : {}), updatedAt: now.toISOString() })
      .where('id', '=', comment.id)
      .execute();
    return (await findCommentByTrackingNumber(trx, trackingNumber))!;
  });
}

/** Notices per transaction of the erasure: each is short, so comments keep being stored meanwhile. */
const NOTICES_PER_ERASURE = 200;

export interface ErasureCount {
  comments: number;
  notices: number;
}

/**
 * Erases the submitters' names, contacts and organisations of every comment on a notice
 * decided before `decidedBefore` (PIPL: kept no longer than their handling needs), marking
 * when. Comments, their text, status and reply stay. `onProgress` hears the count after
 * each transaction, so a run stopped by a busy database can say what it did; run again, it
 * goes on where it stopped.
 */
export async function erasePersonalData(
  db: PortalDb,
  decidedBefore: Date,
  now: Date,
  onProgress?: (count: ErasureCount) => void,
): Promise<ErasureCount> {
  const notices = await db
    .selectFrom('notice')
    .select('id')
    .where('decidedAt', 'is not', null)
    .where('decidedAt', '<', decidedBefore.toISOString())
    .orderBy('id')
    .execute();
  const count: ErasureCount = { comments: 0, notices: 0 };
  for (let start = 0; start < notices.length; start += NOTICES_PER_ERASURE) {
    const ids = notices.slice(start, start + NOTICES_PER_ERASURE).map((notice) => notice.id);
    const erased = await db.transaction().execute(async (trx) => {
      const touched = await trx
        .selectFrom('comment')
        .select('noticeId')
        .distinct()
        .where('noticeId', 'in', ids)
        .where('personalDataErasedAt', 'is', null)
        .execute();
      if (touched.length === 0) return { comments: 0, notices: 0 };
      const { numUpdatedRows } = await trx
        .updateTable('comment')
        .set({ submitterName: '', submitterContact: '', submitterOrganisation: null, personalDataErasedAt: now.toISOString() })
        .where('noticeId', 'in', ids)
        .where('personalDataErasedAt', 'is', null)
        .executeTakeFirst();
      return { comments: Number(numUpdatedRows), notices: touched.length };
    });
    count.comments += erased.comments;
    count.notices += erased.notices;
    onProgress?.({ ...count });
  }
  return count;
}
