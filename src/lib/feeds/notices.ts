import type { PortalDb } from '../db/database.ts';
import type { NoticeFeedFilters } from '../notices/inputs.ts';
import { NOTICE_KIND_LABELS } from '../notices/labels.ts';
import { newestNotices, type NoticeHeadline, type PublishedNotice } from '../notices/repository.ts';
import { noticeListUrl, noticesFeedUrl, noticeUrl } from '../site/urls.ts';
import { formatWindowTime } from '../time/beijing.ts';
import { FEED_SIZE, shorten, type Feed, type FeedItem } from './feed.ts';

/** New notices matter while their window runs (5–10 working days): readers look every 15 minutes. */
export const NOTICES_TTL_MINUTES = 15;

/** The newest notices published by `now`, filtered as the notice list is. */
export async function noticesFeed(db: PortalDb, filters: NoticeFeedFilters, siteUrl: string, now: Date): Promise<Feed> {
  const [notices, scheme] = await Promise.all([
    newestNotices(db, filters, now, FEED_SIZE),
    filters.scheme ? db.selectFrom('scheme').select('name').where('code', '=', filters.scheme).executeTakeFirst() : undefined,
  ]);
  const about = [
    filters.kind && NOTICE_KIND_LABELS[filters.kind],
    filters.scheme && (scheme?.name ?? filters.scheme),
    filters.province,
  ].filter((part): part is string => Boolean(part));
  return {
    title: about.length === 0 ? '服务认证公示' : `服务认证公示：${about.join(' · ')}`,
    description: '认证机构在作出认证决定前发布的服务认证公示，最新发布的在前；公示期内可向认证机构提出异议和意见。',
    link: noticeListUrl(siteUrl, filters),
    selfUrl: noticesFeedUrl(siteUrl, filters),
    ttlMinutes: NOTICES_TTL_MINUTES,
    items: notices.map((notice) => noticeItem(notice, siteUrl)),
  };
}

export function noticeItem(notice: PublishedNotice, siteUrl: string): FeedItem {
  const withdrawn = notice.status === 'withdrawn';
  return {
    title: withdrawn ? `${notice.title}（已撤回）` : notice.title,
    link: noticeUrl(siteUrl, notice.id),
    publishedAt: notice.publishedAt,
    updatedAt: notice.updatedAt,
    categories: [NOTICE_KIND_LABELS[notice.kind], notice.scheme.name, notice.applicant.province],
    description: [
      ...whoAndWhat(notice),
      `公示期：${formatWindowTime(notice.windowStart, 'start')} 至 ${formatWindowTime(notice.windowEnd, 'end')}`,
      `认证范围：${shorten(notice.scope, 100)}`,
      `评价结论摘要：${shorten(notice.evaluationSummary, 200)}`,
      ...(withdrawn ? ['该公示已由认证机构撤回。'] : []),
    ].join('\n'),
  };
}

/** Who applied, for which scheme and level: how every item about a notice begins. */
export function whoAndWhat(notice: NoticeHeadline): string[] {
  return [
    `申请方：${notice.applicant.name}（统一社会信用代码 ${notice.applicant.uscc}，${notice.applicant.province}）`,
    `认证类别：${notice.scheme.name} · ${NOTICE_KIND_LABELS[notice.kind]} · 拟定等级：${notice.proposedLevel?.name ?? '—'}`,
  ];
}
