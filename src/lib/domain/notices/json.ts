import { certificateUrl, noticePosterUrl, noticeUrl } from '../../ground/site/urls.ts';
import { toBeijingIso } from '../../ground/time/beijing.ts';
import type { CommentOutcomes } from './comment-outcomes.ts';
import type { NoticeHeadline, NoticeDetails } from './repository.ts';
import { noticeState, type NoticeState } from './state.ts';

/** The API's line for one notice: public facts only, camelCase, times with the Beijing offset. */
export function noticeSummaryJson(notice: NoticeHeadline, state: NoticeState, siteUrl: string) {
  return {
    id: notice.id,
    reference: notice.reference,
    title: notice.title,
    kind: notice.kind,
    state,
    windowStart: toBeijingIso(notice.windowStart),
    windowEnd: toBeijingIso(notice.windowEnd),
    applicant: notice.applicant,
    scheme: notice.scheme,
    proposedLevel: notice.proposedLevel,
    url: noticeUrl(siteUrl, notice.id),
    commentCount: notice.commentCount,
    // Null while published; withdrawnAt and reason are null too for a notice withdrawn before the body recorded them.
    withdrawal: notice.withdrawal && {
      withdrawnAt: notice.withdrawal.at && toBeijingIso(notice.withdrawal.at),
      reason: notice.withdrawal.reason,
    },
  };
}

/**
 * A notice as published: everything it states, its published comments and answers, and
 * nothing that depends on when it is read (its state follows from the window and the clock)
 * or that every new comment changes (the count): it changes exactly when updatedAt moves,
 * and is what incremental sync lists.
 */
export function noticeDetailsJson(notice: NoticeDetails, siteUrl: string) {
  return {
    id: notice.id,
    reference: notice.reference,
    title: notice.title,
    kind: notice.kind,
    status: notice.status,
    windowStart: toBeijingIso(notice.windowStart),
    windowEnd: toBeijingIso(notice.windowEnd),
    applicant: notice.applicant,
    scheme: notice.scheme,
    proposedLevel: notice.proposedLevel,
    body: notice.body,
    scope: notice.scope,
    evaluationSummary: notice.evaluationSummary,
    objectionContact: notice.objectionContact,
    publishedAt: toBeijingIso(notice.publishedAt),
    decision: notice.decision,
    decidedAt: notice.decidedAt ? toBeijingIso(notice.decidedAt) : null,
    certificate: notice.certificate ? { number: notice.certificate.number, url: certificateUrl(siteUrl, notice.certificate.number) } : null,
    comments: notice.publishedComments.map((comment) => ({
      kind: comment.kind,
      text: comment.text,
      receivedOn: comment.receivedOn,
      status: comment.status,
      reply: comment.reply,
      finding: comment.finding,
    })),
    url: noticeUrl(siteUrl, notice.id),
    posterUrl: noticePosterUrl(siteUrl, notice.id),
    updatedAt: toBeijingIso(notice.updatedAt),
  };
}

/**
 * One notice as it stands at `now`: its record, its state, how many comments it received
 * and, once decided, how its comments were handled (`outcomes`, null while undecided).
 */
export function noticeJson(notice: NoticeDetails, now: Date, siteUrl: string, outcomes: CommentOutcomes | null) {
  return {
    ...noticeSummaryJson(notice, noticeState(notice, now), siteUrl),
    stateAsOf: toBeijingIso(now),
    ...noticeDetailsJson(notice, siteUrl),
    commentOutcomes: outcomes,
  };
}
