import { createHash } from 'node:crypto';
import type { PortalDb } from '../../db/database.ts';
import { oneAtATime } from '../../db/seam.ts';
import { DomainError, type CommentLimit } from '../../ground/errors.ts';
import { findNoticeWindow } from '../notices/repository.ts';
import { noticeState } from '../notices/state.ts';
import type { CommentForm } from './inputs.ts';
import { newTrackingNumber } from './tracking-number.ts';

/**
 * What a limit counts: every submission from one network address; or those giving one
 * contact (a person), on any notice or on one notice.
 */

/**
 * How many comments may be sent, per window of time, at most. One person is held by the
 * limits on their contact (the old per-address ones); an address, which an office or a mobile
 * carrier shares among many people, only stops a flood that changes its contact each time.
 */
export const RATE_LIMITS = [
  { scope: 'contact', windowMs: 10 * 60_000, max: 5 },
  { scope: 'contact', windowMs: 24 * 60 * 60_000, max: 20 },
  { scope: 'contact_notice', windowMs: 24 * 60 * 60_000, max: 10 },
  { scope: 'address', windowMs: 10 * 60_000, max: 60 },
  { scope: 'address', windowMs: 24 * 60 * 60_000, max: 400 },
] as const satisfies readonly CommentLimit[];

/** Submissions are counted for the longest limit's window, then forgotten. */
const SUBMISSION_MEMORY_MS = Math.max(...RATE_LIMITS.map((limit) => limit.windowMs));

export interface CommentReceipt {
  trackingNumber: string;
  noticeId: number;
  receivedAt: string;
  /** True when this was a repeat of a submission already stored (double click, refresh). */
  repeated: boolean;
}

/** `clientHash` and `contactHash`: salted hashes of the network address and of the contact given (comments/client.ts). */
export type CommentSubmission = CommentForm & { noticeId: number; clientHash: string; contactHash: string };

/**
 * What makes a repeat a repeat: the form's key and everything it carried. The same form sent
 * twice (a double click, a refresh) is one comment; the same key with other content is
 * another comment, so a key alone never shows anyone a receipt they did not earn.
 */
function submissionKey(submission: CommentSubmission): string {
  const { idempotencyKey, noticeId, kind, text, name, contact, organisation } = submission;
  return createHash('sha256')
    .update(JSON.stringify([idempotencyKey, noticeId, kind, text, name, contact, organisation]))
    .digest('base64url');
}

/**
 * Stores a comment iff its notice is open at `now` (windowStart <= now < windowEnd), `now`
 * being when the whole form had arrived. The commit is durable (synchronous = FULL) before
 * the receipt is returned. A repeated form returns the first receipt instead of storing a
 * second comment.
 */
export async function submitComment(db: PortalDb, submission: CommentSubmission, now: Date): Promise<CommentReceipt> {
  const key = submissionKey(submission);
  return db.transaction().execute(async (trx) => {
    // A client's and a contact's submissions are counted one at a time, by every instance (and a repeated form seen once).
    // Always the address first, then the contact: two transactions never wait for each other in a circle.
    await oneAtATime(trx, `comment-client:${submission.clientHash}`);
    await oneAtATime(trx, `comment-contact:${submission.contactHash}`);
    const earlier = await trx
      .selectFrom('comment')
      .select(['trackingNumber', 'noticeId', 'receivedAt'])
      .where('idempotencyKey', '=', key)
      .executeTakeFirst();
    if (earlier) return { ...earlier, repeated: true };

    const notice = await findNoticeWindow(trx, submission.noticeId);
    if (!notice) {
      throw new DomainError('not_found', 'notice_not_found', { commentedOn: submission.noticeId });
    }
    const state = noticeState(notice, now);
    if (state !== 'open') throw windowClosed(notice, state);

    await countSubmission(trx, { clientHash: submission.clientHash, contactHash: submission.contactHash, noticeId: notice.id }, now);
    const receivedAt = now.toISOString();
    const trackingNumber = newTrackingNumber();
    await trx
      .insertInto('comment')
      .values({
        noticeId: notice.id,
        trackingNumber,
        idempotencyKey: key,
        kind: submission.kind,
        text: submission.text,
        submitterName: submission.name,
        submitterContact: submission.contact,
        submitterOrganisation: submission.organisation,
        status: 'received',
        reply: null,
        published: 0,
        receivedAt,
        updatedAt: receivedAt,
      })
      .execute();
    return { trackingNumber, noticeId: notice.id, receivedAt, repeated: false };
  });
}

/**
 * A form only software fills in (the hidden field): counted against its sender's limits like
 * a comment, and answered like one, so that nothing tells the robot it was caught, but
 * nothing of it is stored.
 */
export async function absorbRobotSubmission(db: PortalDb, clientHash: string, now: Date): Promise<CommentReceipt> {
  await db.transaction().execute(async (trx) => {
    await oneAtATime(trx, `comment-client:${clientHash}`);
    await countSubmission(trx, { clientHash, contactHash: null, noticeId: null }, now);
  });
  return { trackingNumber: newTrackingNumber(), noticeId: 0, receivedAt: now.toISOString(), repeated: false };
}

function windowClosed(
  notice: { reference: string; windowStart: string; windowEnd: string },
  state: 'upcoming' | 'closed' | 'withdrawn',
): DomainError {
  const { reference, windowStart, windowEnd } = notice;
  return state === 'withdrawn'
    ? new DomainError('conflict', 'notice_withdrawn', { reference, windowStart, windowEnd })
    : new DomainError('conflict', 'window_closed', { reference, windowStart, windowEnd, state });
}

/** Deletes the address hashes no limit needs any more (older than a day), whoever submitted last. */
export async function forgetOldSubmissions(db: PortalDb, now: Date): Promise<void> {
  await db
    .deleteFrom('commentSubmission')
    .where('submittedAt', '<', new Date(now.getTime() - SUBMISSION_MEMORY_MS).toISOString())
    .execute();
}

/** Who sent a submission, as the limits count it: a robot's form gives no contact and counts for its address only. */
interface Submitter {
  clientHash: string;
  contactHash: string | null;
  noticeId: number | null;
}

/**
 * Refuses the submission when its address or its contact has reached a limit; otherwise
 * counts it. Inside the comment's transaction, which takes the address's and the contact's
 * turns (oneAtATime), so concurrent submissions are counted one after the other.
 * Submissions older than a day are forgotten on the way.
 */
async function countSubmission(db: PortalDb, submitter: Submitter, now: Date): Promise<void> {
  await forgetOldSubmissions(db, now);
  for (const limit of RATE_LIMITS) {
    if (limit.scope !== 'address' && submitter.contactHash === null) continue;
    const since = new Date(now.getTime() - limit.windowMs).toISOString();
    let counted = db.selectFrom('commentSubmission').select('submittedAt').where('submittedAt', '>', since);
    counted =
      limit.scope === 'address' ? counted.where('clientHash', '=', submitter.clientHash) : counted.where('contactHash', '=', submitter.contactHash);
    if (limit.scope === 'contact_notice') counted = counted.where('noticeId', '=', submitter.noticeId);
    const recent = await counted.orderBy('submittedAt').limit(limit.max).execute();
    if (recent.length >= limit.max) {
      // The oldest counted submission leaves the window first: that is when a new one fits.
      const retryAfterSeconds = Math.max(1, Math.ceil((Date.parse(recent[0]!.submittedAt) + limit.windowMs - now.getTime()) / 1000));
      const code = limit.scope === 'address' ? 'too_many_comments' : 'too_many_comments_from_contact';
      throw new DomainError('rate_limited', code, { limit, retryAfterSeconds }, { retryAfterSeconds });
    }
  }
  await db
    .insertInto('commentSubmission')
    .values({ clientHash: submitter.clientHash, contactHash: submitter.contactHash, noticeId: submitter.noticeId, submittedAt: now.toISOString() })
    .execute();
}
