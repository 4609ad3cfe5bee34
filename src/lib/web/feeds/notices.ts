import type { PortalDb } from '../../db/database.ts';
import type { NoticeFeedFilters } from '../../domain/notices/inputs.ts';
import { NOTICE_KIND_LABELS } from '../../domain/notices/labels.ts';
import {
  newestNotices,
  newestWithdrawals,
  withdrawalTime,
  type NoticeBody,
  type NoticeHeadline,
  type PublishedNotice,
} from '../../domain/notices/repository.ts';
import { noticeListUrl, noticesFeedUrl, noticeUrl } from '../../ground/site/urls.ts';
import { formatBeijingDateTime, formatWindowTime } from '../../ground/time/beijing.ts';
import { FEED_SIZE, newestFirst, shorten, type Feed, type FeedItem } from './feed.ts';

/** New notices matter while their window runs (5–10 working days): readers look every 15 minutes. */
export const NOTICES_TTL_MINUTES = 15;

/**
 * The newest notices published by `now`, filtered as the notice list is, and the newest
 * withdrawals among them, each an item of its own: a reader shows a withdrawal as news.
 */
export async function noticesFeed(db: PortalDb, filters: NoticeFeedFilters, siteUrl: string, now: Date): Promise<Feed> {
  const [notices, withdrawals, scheme, body] = await Promise.all([
    newestNotices(db, filters, now, FEED_SIZE),
    newestWithdrawals(db, filters, now, FEED_SIZE),
    filters.scheme ? db.selectFrom('scheme').select('name').where('code', '=', filters.scheme).executeTakeFirst() : undefined,
    filters.body ? db.selectFrom('certificationBody').select('name').where('code', '=', filters.body).executeTakeFirst() : undefined,
  ]);
  const about = [
    filters.kind && NOTICE_KIND_LABELS[filters.kind],
    filters.scheme && (scheme?.name ?? filters.scheme),
    filters.province,
    filters.body && (body?.name ?? filters.body),
  ].filter((part): part is string => Boolean(part));
  return {
    title: about.length === 0 ? '服务认证公示' : `服务认证公示：${about.join(' · ')}`,
    description: '认证机构在作出认证决定前发布的服务认证公示，最新发布的在前；公示期内可向认证机构提出异议和意见。公示撤回时另发一条。',
    link: noticeListUrl(siteUrl, filters),
    selfUrl: noticesFeedUrl(siteUrl, filters),
    ttlMinutes: NOTICES_TTL_MINUTES,
    items: [...notices.map((notice) => noticeItem(notice, siteUrl)), ...withdrawals.map((notice) => withdrawalItem(notice, siteUrl))]
      .sort(newestFirst)
      .slice(0, FEED_SIZE),
  };
}

/** A notice as published: the item never changes but for corrections of the notice itself. */
export function noticeItem(notice: PublishedNotice, siteUrl: string): FeedItem {
  return {
    title: notice.title,
    link: noticeUrl(siteUrl, notice.id),
    publishedAt: notice.publishedAt,
    updatedAt: notice.updatedAt,
    categories: noticeCategories(notice),
    description: [
      ...whoAndWhat(notice),
      `公示期：${formatWindowTime(notice.windowStart, 'start')} 至 ${formatWindowTime(notice.windowEnd, 'end')}`,
      `认证范围：${shorten(notice.scope, 100)}`,
      `评价结论摘要：${shorten(notice.evaluationSummary, 200)}`,
    ].join('\n'),
  };
}

/** The withdrawal of a notice: news of its own, under a guid of its own, at the time it was withdrawn. */
export function withdrawalItem(notice: PublishedNotice, siteUrl: string): FeedItem {
  const page = noticeUrl(siteUrl, notice.id);
  return {
    title: `${notice.title}：公示已撤回`,
    link: page,
    guid: `${page}#withdrawal`,
    publishedAt: withdrawalTime(notice),
    categories: ['公示撤回', ...noticeCategories(notice)],
    description: [...whoAndWhat(notice), ...withdrawalLines(notice)].join('\n'),
  };
}

/**
 * When and why a notice was withdrawn, as the feed and the calendar say it: the time and the
 * reason the body recorded, or that it recorded none (notices withdrawn before the portal
 * kept them), never a guess.
 */
export function withdrawalLines(notice: NoticeHeadline & { body: NoticeBody; updatedAt: string }): string[] {
  const window = `原公示期 ${formatBeijingDateTime(notice.windowStart)} 至 ${formatBeijingDateTime(notice.windowEnd)}`;
  const when = notice.withdrawal?.at
    ? `${notice.body.name}已于 ${formatBeijingDateTime(notice.withdrawal.at)} 撤回该公示（${window}），不再接受异议和意见。`
    : `${notice.body.name}已撤回该公示（${window}；撤回时间未登记，公示信息最后更新于 ${formatBeijingDateTime(notice.updatedAt)}），不再接受异议和意见。`;
  return [when, `撤回原因：${notice.withdrawal?.reason ?? '认证机构未登记撤回原因，可向认证机构询问。'}`];
}

/** Its kind, scheme, province and the body that decides: what a reader groups items by. */
export function noticeCategories(notice: NoticeHeadline & { body: NoticeBody }): string[] {
  return [NOTICE_KIND_LABELS[notice.kind], notice.scheme.name, notice.applicant.province, notice.body.name];
}

/** Who applied, for which scheme and level, and which body decides: how every item about a notice begins. */
export function whoAndWhat(notice: NoticeHeadline & { body: NoticeBody }): string[] {
  return [
    `申请方：${notice.applicant.name}（统一社会信用代码 ${notice.applicant.uscc}，${notice.applicant.province}）`,
    `认证类别：${notice.scheme.name} · ${NOTICE_KIND_LABELS[notice.kind]} · 拟定等级：${notice.proposedLevel?.name ?? '—'}`,
    `认证机构：${notice.body.name}`,
  ];
}
