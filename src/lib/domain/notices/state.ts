import type { Notice } from '../../db/notice.table.ts';
import { counted } from '../../ground/language/english.ts';
import { DEFAULT_LOCALE, type Locale } from '../../ground/language/locales.ts';

export type NoticeState = 'upcoming' | 'open' | 'closed' | 'withdrawn';

export type NoticeWindow = Pick<Notice, 'windowStart' | 'windowEnd' | 'status'>;

/**
 * The notice's state at `now`, decided at request time from the stored UTC window:
 * open iff windowStart <= now < windowEnd, to the millisecond. A withdrawn notice is never open.
 */
export function noticeState(notice: NoticeWindow, now: Date): NoticeState {
  if (notice.status === 'withdrawn') return 'withdrawn';
  const instant = now.getTime();
  if (instant < Date.parse(notice.windowStart)) return 'upcoming';
  if (instant < Date.parse(notice.windowEnd)) return 'open';
  return 'closed';
}

export const NOTICE_STATE_LABELS: Record<NoticeState, string> = {
  upcoming: '即将公示',
  open: '公示中',
  closed: '公示已结束',
  withdrawn: '已撤回',
};

export const NOTICE_STATE_LABELS_EN: Record<NoticeState, string> = {
  upcoming: 'Upcoming',
  open: 'Open for comments',
  closed: 'Closed',
  withdrawn: 'Withdrawn',
};

/** "还剩 3 天 4 小时" or "3 days 4 hours left" until `end`; minutes only in the last hour. */
export function timeLeft(end: string, now: Date, locale: Locale = DEFAULT_LOCALE): string {
  const minutes = Math.max(0, Math.floor((Date.parse(end) - now.getTime()) / 60_000));
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  if (locale === DEFAULT_LOCALE) {
    if (days > 0) return `还剩 ${days} 天 ${hours} 小时`;
    if (hours > 0) return `还剩 ${hours} 小时 ${minutes % 60} 分钟`;
    return `还剩 ${minutes} 分钟`;
  }
  if (days > 0) return `${counted(days, 'day')} ${counted(hours, 'hour')} left`;
  if (hours > 0) return `${counted(hours, 'hour')} ${counted(minutes % 60, 'minute')} left`;
  return `${counted(minutes, 'minute')} left`;
}
