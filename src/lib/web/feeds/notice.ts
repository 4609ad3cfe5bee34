import { newestCertificateEvents } from '../../domain/certificates/repository.ts';
import { COMMENT_KIND_LABELS, COMMENT_STATUS_LABELS } from '../../i18n/labels.ts';
import type { PortalDb } from '../../db/database.ts';
import { MESSAGES } from '../../i18n/messages.ts';
import { DEFAULT_LOCALE } from '../../ground/language/locales.ts';
import { publishedCommentEntries, requireNotice, type NoticeDetails, type PublishedCommentEntry } from '../../domain/notices/repository.ts';
import { noticeFeedUrl, noticeUrl } from '../../ground/site/urls.ts';
import { formatBeijingDate, startOfBeijingDay } from '../../ground/time/beijing.ts';
import { certificateEventItem } from './certificates.ts';
import { decisionItem } from './decisions.ts';
import { FEED_SIZE, newestFirst, shorten, type Feed, type FeedItem } from './feed.ts';
import { NOTICES_TTL_MINUTES, noticeCategories, noticeItem, withdrawalItem } from './notices.ts';

const FINDING_LABELS = MESSAGES[DEFAULT_LOCALE].commentOutcomes.finding;

/**
 * One notice to its end, for whoever follows a contested one: its publication, each
 * published comment and each answer, its withdrawal, the decision and what then happened to
 * the certificate it led to; each an item of its own, none dated after `now`.
 * Nothing of who sent a comment, and no instant of theirs: comments are dated by Beijing day.
 */
export async function noticeHistoryFeed(db: PortalDb, idText: string, siteUrl: string, now: Date): Promise<Feed> {
  const notice = await requireNotice(db, idText);
  const instant = now.toISOString();
  const [comments, certificateEvents] = await Promise.all([publishedCommentEntries(db, [notice.id]), eventsOfItsCertificate(db, notice, now)]);
  const items: FeedItem[] = [];
  if (notice.publishedAt <= instant) items.push(noticeItem(notice, siteUrl));
  for (const comment of comments) items.push(...commentItems(notice, comment, siteUrl));
  if (notice.status === 'withdrawn' && notice.updatedAt <= instant) items.push(withdrawalItem(notice, siteUrl));
  if (notice.decision !== 'pending' && notice.decidedAt && notice.decidedAt <= instant) {
    items.push(
      decisionItem(
        { ...notice, decision: notice.decision, decidedAt: notice.decidedAt, certificateNumber: notice.certificate?.number ?? null },
        siteUrl,
        DEFAULT_LOCALE,
      ),
    );
  }
  items.push(...certificateEvents.map((event) => certificateEventItem(event, siteUrl)));
  return {
    title: `公示跟踪：${notice.title}`,
    description: `${notice.title}（${notice.reference}）的全过程：发布、公开的意见和答复、撤回、认证决定和由此颁发或变更的证书，最新的在前。`,
    link: noticeUrl(siteUrl, notice.id),
    selfUrl: noticeFeedUrl(siteUrl, notice.id),
    ttlMinutes: NOTICES_TTL_MINUTES,
    items: items.sort(newestFirst).slice(0, FEED_SIZE),
  };
}

/** What happened to the certificate the decision issued or changed, from the notice's publication on. */
async function eventsOfItsCertificate(db: PortalDb, notice: NoticeDetails, now: Date) {
  if (!notice.certificate) return [];
  const certificate = await db.selectFrom('certificate').select('id').where('number', '=', notice.certificate.number).executeTakeFirst();
  if (!certificate) return [];
  const events = await newestCertificateEvents(db, { certificateId: certificate.id }, now, FEED_SIZE);
  return events.filter((event) => event.occurredAt >= notice.publishedAt);
}

/** A published comment, and the body's answer to it once there is one, as items of their own. */
function commentItems(notice: NoticeDetails, comment: PublishedCommentEntry, siteUrl: string): FeedItem[] {
  const page = noticeUrl(siteUrl, notice.id);
  const kind = COMMENT_KIND_LABELS[comment.kind];
  const finding = comment.finding ? FINDING_LABELS[comment.finding] : null;
  const received: FeedItem = {
    title: `${notice.title}：收到公开的${kind}`,
    link: `${page}#comments-heading`,
    guid: `${page}#comment-${comment.id}`,
    publishedAt: beijingDayStart(comment.receivedOn),
    categories: [`公示${kind}`, ...noticeCategories(notice)],
    description: [
      `${kind}（${formatBeijingDate(comment.receivedOn)}收到）：${shorten(comment.text, 300)}`,
      `处理状态：${COMMENT_STATUS_LABELS[comment.status]}`,
    ].join('\n'),
  };
  if (!comment.reply || !comment.answeredOn) return [received];
  const answer: FeedItem = {
    title: `${notice.title}：认证机构答复${kind}${finding ? `（${finding}）` : ''}`,
    link: `${page}#comments-heading`,
    guid: `${page}#answer-${comment.id}`,
    publishedAt: beijingDayStart(comment.answeredOn),
    categories: ['认证机构答复', ...noticeCategories(notice)],
    description: [
      `${kind}（${formatBeijingDate(comment.receivedOn)}收到）：${shorten(comment.text, 200)}`,
      `${notice.body.name}的答复：${shorten(comment.reply, 300)}`,
      ...(finding ? [`核查结论：${finding}`] : []),
    ].join('\n'),
  };
  return [received, answer];
}

/** A comment's item is dated from the start of its Beijing day: a day that has begun, so never in the future. */
const beijingDayStart = (day: string) => startOfBeijingDay(day).toISOString();
