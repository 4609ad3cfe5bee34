import { noticeCalendar } from '../../lib/calendar/notices.ts';
import { calendarRoute } from '../../lib/calendar/response.ts';

export const GET = calendarRoute(({ params, locals }) => noticeCalendar(locals.db, params.id ?? '', locals.siteUrl));
