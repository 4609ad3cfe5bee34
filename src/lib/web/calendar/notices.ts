import type { PortalDb } from '../../db/database.ts';
import { noticeCategories, whoAndWhat, withdrawalLines } from '../feeds/notices.ts';
import { NOTICE_KIND_LABELS } from '../../domain/notices/labels.ts';
import type { NoticeFeedFilters } from '../../domain/notices/inputs.ts';
import { comingWindows, requireNotice, type PublishedNotice } from '../../domain/notices/repository.ts';
import { noticeCommentFormUrl, noticeUrl } from '../../ground/site/urls.ts';
import { officialBeijingTime } from '../../ground/time/beijing.ts';
import type { Calendar, WindowEvent } from './ics.ts';

/** The open and upcoming notices matching the list's filters, each window an event: deadlines in a phone's calendar. */
export async function noticesCalendar(db: PortalDb, filters: NoticeFeedFilters, siteUrl: string, now: Date): Promise<Calendar> {
  const notices = await comingWindows(db, filters, now);
  const about = [filters.kind && NOTICE_KIND_LABELS[filters.kind], filters.scheme, filters.province, filters.body].filter(Boolean).join(' · ');
  return {
    name: about ? `服务认证公示期：${about}` : '服务认证公示期',
    description: '公示中和即将开始的服务认证公示：公示期内可向认证机构提出异议和意见，截止前一天提醒。时间均为北京时间。',
    events: notices.map((notice) => windowEvent(notice, siteUrl, new URL(siteUrl).host)),
  };
}

/** One notice's window, also once withdrawn (then cancelled, so a calendar that has it drops it). */
export async function noticeCalendar(db: PortalDb, idText: string, siteUrl: string): Promise<Calendar> {
  const notice = await requireNotice(db, idText);
  return {
    name: `公示期：${notice.title}`,
    description: `${notice.title}（${notice.reference}）的公示期，时间为北京时间。`,
    events: [windowEvent(notice, siteUrl, new URL(siteUrl).host)],
  };
}

function windowEvent(notice: PublishedNotice & { objectionContact: string }, siteUrl: string, host: string): WindowEvent {
  const withdrawn = notice.status === 'withdrawn';
  return {
    uid: `notice-${notice.id}@${host}`,
    summary: `${withdrawn ? '（已撤回）' : ''}公示期：${notice.title}`,
    description: [
      ...whoAndWhat(notice),
      `公示期：${officialBeijingTime(notice.windowStart, 'start')} 至 ${officialBeijingTime(notice.windowEnd, 'end')}（北京时间）`,
      ...(withdrawn
        ? withdrawalLines(notice)
        : [`在公示期内提出异议或意见：${noticeCommentFormUrl(siteUrl, notice.id)}，或 ${notice.objectionContact}`]),
    ].join('\n'),
    url: noticeUrl(siteUrl, notice.id),
    start: notice.windowStart,
    end: notice.windowEnd,
    updatedAt: notice.updatedAt,
    cancelled: withdrawn,
    categories: noticeCategories(notice),
  };
}
