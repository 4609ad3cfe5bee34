/**
 * The body's staff handling comments: an export with the submitters' personal data (for
 * the staff only), and the answer that moves a comment along and may publish it.
 */
import type { PortalDb } from '../db/database.ts';
import { COMMENT_STATUSES, type Comment } from '../db/notice.table.ts';
import { DomainError } from '../errors.ts';
import { csvLine } from '../text/csv.ts';
import { toBeijingIso } from '../time/beijing.ts';
import { cleanText } from './inputs.ts';
import { parseTrackingNumber } from './tracking-number.ts';
import { findCommentByTrackingNumber, type TrackedComment } from './tracking.ts';

/** A comment as the staff see it: everything but the rate-limiting hash and the form's idempotency key. */
export interface HandledComment {
  trackingNumber: string;
  noticeId: number;
  noticeReference: string;
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
}

/** Every comment received at or after `since` (all of them without it), oldest first. */
export async function exportComments(db: PortalDb, since: Date | null): Promise<HandledComment[]> {
  let query = db
    .selectFrom('comment')
    .innerJoin('notice', 'notice.id', 'comment.noticeId')
    .select([
      'comment.trackingNumber',
      'comment.noticeId',
      'notice.reference as noticeReference',
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
    ])
    .orderBy('comment.receivedAt')
    .orderBy('comment.id');
  if (since) query = query.where('comment.receivedAt', '>=', since.toISOString());
  const rows = await query.execute();
  return rows.map((row) => ({ ...row, published: row.published === 1 }));
}

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The export's fields, named as the comment table's columns. */
const EXPORT_FIELDS = [
  'tracking_number',
  'notice_id',
  'notice_reference',
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
] as const;

function exportRecord(comment: HandledComment): Record<(typeof EXPORT_FIELDS)[number], string | number | boolean | null> {
  return {
    tracking_number: comment.trackingNumber,
    notice_id: comment.noticeId,
    notice_reference: comment.noticeReference,
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

/** The statuses the staff move a comment to; "received" is where every comment starts. */
export const ANSWER_STATUSES = COMMENT_STATUSES.filter((status) => status !== 'received') as readonly Exclude<Comment['status'], 'received'>[];
export type AnswerStatus = (typeof ANSWER_STATUSES)[number];

export interface CommentAnswer {
  status: AnswerStatus;
  /** The body's reply, shown to the commenter (and on the notice page once published); absent keeps the one given before. */
  reply?: string;
  /** Show the comment's text (never its author) and the reply on the notice page. */
  publish: boolean;
}

const MAX_REPLY_LENGTH = 5000;

/** Moves a comment along: status, reply, publication; updated_at becomes `now`. Returns what the receipt page shows. */
export async function answerComment(db: PortalDb, typedTrackingNumber: string, answer: CommentAnswer, now: Date): Promise<TrackedComment> {
  const trackingNumber = parseTrackingNumber(typedTrackingNumber);
  if (!trackingNumber) {
    throw new DomainError(
      'invalid_input',
      'invalid_tracking_number',
      `${typedTrackingNumber} is not a tracking number: 15 letters and digits such as 7K3MQ-9QX2A-BC4EF.`,
      `${typedTrackingNumber} 不是有效的查询编号（共 15 位，如 7K3MQ-9QX2A-BC4EF）。`,
    );
  }
  const reply = answer.reply === undefined ? undefined : cleanText(answer.reply);
  if (reply !== undefined && (reply === '' || Array.from(reply).length > MAX_REPLY_LENGTH)) {
    throw new DomainError('invalid_input', 'invalid_reply', `The reply must be 1 to ${MAX_REPLY_LENGTH} characters.`, `答复应为 1 至 ${MAX_REPLY_LENGTH} 个字。`);
  }

  return db.transaction().execute(async (trx) => {
    const comment = await trx.selectFrom('comment').select(['id', 'reply']).where('trackingNumber', '=', trackingNumber).executeTakeFirst();
    if (!comment) {
      throw new DomainError('not_found', 'comment_not_found', `No comment has the tracking number ${trackingNumber}.`, `未找到查询编号为 ${trackingNumber} 的意见。`);
    }
    if (answer.status === 'answered' && (reply ?? comment.reply) === null) {
      throw new DomainError(
        'invalid_input',
        'reply_required',
        `Comment ${trackingNumber} cannot be answered without a reply: give the reply too.`,
        `意见 ${trackingNumber} 标记为已答复时须填写答复内容。`,
      );
    }
    await trx
      .updateTable('comment')
      .set({
        status: answer.status,
        ...(reply === undefined ? {} : { reply }),
        ...(answer.publish ? { published: 1 } : {}),
        updatedAt: now.toISOString(),
      })
      .where('id', '=', comment.id)
      .execute();
    return (await findCommentByTrackingNumber(trx, trackingNumber))!;
  });
}
