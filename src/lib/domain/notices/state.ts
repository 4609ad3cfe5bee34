import type { Notice } from '../../db/notice.table.ts';

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
