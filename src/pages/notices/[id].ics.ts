import { noticeCalendar } from '../../lib/web/calendar/notices.ts';
import { calendarRoute } from '../../lib/web/calendar/response.ts';

export const GET = calendarRoute(({ params, locals }) => noticeCalendar(locals.db, params.id ?? '', locals.siteUrl));
